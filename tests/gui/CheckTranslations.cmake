# Runs lupdate on a copy of each .ts file and fails if the copy changes, i.e.
# if the committed translations do not match the sources (as Mumble's CI does).
# Inputs: LUPDATE, SOURCES_LIST, TS_FILES, LUPDATE_OPTIONS, INCLUDE_DIRECTORIES, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(include_options "")
foreach(directory IN LISTS INCLUDE_DIRECTORIES)
    list(APPEND include_options "-I${directory}")
endforeach()
set(stale "")
foreach(ts_file IN LISTS TS_FILES)
    get_filename_component(ts_name "${ts_file}" NAME)
    set(copy "${WORK_DIR}/${ts_name}")
    configure_file("${ts_file}" "${copy}" COPYONLY)
    execute_process(
        COMMAND "${LUPDATE}" -silent ${LUPDATE_OPTIONS} ${include_options} "@${SOURCES_LIST}"
                -ts "${copy}"
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "lupdate failed on ${ts_name}:\n${output}")
    endif()
    file(READ "${ts_file}" before)
    file(READ "${copy}" after)
    if(NOT before STREQUAL after)
        list(APPEND stale "${ts_name}")
    endif()
endforeach()
if(stale)
    message(FATAL_ERROR "Stale translation files: ${stale}. Run `cmake --build <build dir> "
                        "--target update_translations`, translate, and commit them.")
endif()
message(STATUS "All translation files are up to date.")
