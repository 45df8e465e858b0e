/* Compiled as C89 with -pedantic-errors: bulwark_edge.h stays C89 clean. */
#include "bulwark_edge.h"

bulwark_edge_error bulwark_edge_header_check(void);

bulwark_edge_error bulwark_edge_header_check(void)
{
    return BULWARK_EDGE_OK;
}
