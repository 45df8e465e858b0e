# Included by tests/CMakeLists.txt: builds tests/fuzz (libFuzzer targets) as
# an ExternalProject with clang++, when clang++ and its fuzzer runtime are
# found, and registers one ctest per target (label "fuzz") that runs it
# through tests/fuzz/run-fuzz.sh for BULWARK_FUZZ_SECONDS (default 20) on a
# scratch copy of its seed corpus.

set(bulwark_fuzz_targets edge_message rest_json phc ldap_escape agent_config chunk_frame
    http_framing)

# Can clang++ link a libFuzzer program with the sanitizers? (Debian:
# clang and libclang-rt-14-dev.) Probed once per compiler.
find_program(BULWARK_FUZZ_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14
             DOC "clang++ for the libFuzzer targets (tests/fuzz)")
if(BULWARK_FUZZ_CLANGXX AND NOT BULWARK_FUZZ_PROBED STREQUAL BULWARK_FUZZ_CLANGXX)
    set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz-probe)
    file(MAKE_DIRECTORY ${probe_dir})
    file(WRITE ${probe_dir}/probe.cpp
         "#include <cstddef>\n#include <cstdint>\n"
         "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t *, std::size_t) "
         "{ return 0; }\n")
    execute_process(
        COMMAND ${BULWARK_FUZZ_CLANGXX} -fsanitize=fuzzer,address,undefined probe.cpp -o probe
        WORKING_DIRECTORY ${probe_dir}
        RESULT_VARIABLE probe_result OUTPUT_QUIET ERROR_VARIABLE probe_error)
    if(probe_result EQUAL 0)
        set(BULWARK_FUZZ_WORKS ON CACHE INTERNAL "")
    else()
        set(BULWARK_FUZZ_WORKS OFF CACHE INTERNAL "")
        string(STRIP "${probe_error}" probe_error)
        set(BULWARK_FUZZ_PROBE_ERROR "${probe_error}" CACHE INTERNAL "")
    endif()
    set(BULWARK_FUZZ_PROBED ${BULWARK_FUZZ_CLANGXX} CACHE INTERNAL "")
endif()
if(NOT BULWARK_FUZZ_CLANGXX)
    set(BULWARK_FUZZ_WORKS OFF)
    set(BULWARK_FUZZ_WHY "clang++ was not found")
elseif(NOT BULWARK_FUZZ_WORKS)
    string(CONCAT BULWARK_FUZZ_WHY "${BULWARK_FUZZ_CLANGXX} cannot link a -fsanitize=fuzzer "
                  "program (is the libFuzzer runtime installed? Debian: libclang-rt-14-dev)")
    if(BULWARK_FUZZ_PROBE_ERROR)
        string(APPEND BULWARK_FUZZ_WHY ": ${BULWARK_FUZZ_PROBE_ERROR}")
    endif()
endif()

option(BULWARK_FUZZ "Build and run the libFuzzer targets (tests/fuzz; needs clang++ and libFuzzer)"
       ${BULWARK_FUZZ_WORKS})
if(BULWARK_FUZZ AND NOT BULWARK_FUZZ_WORKS)
    message(FATAL_ERROR "BULWARK_FUZZ is ON but ${BULWARK_FUZZ_WHY}. Install clang and "
                        "libclang-rt-14-dev (see .ci/packages.txt), or configure with "
                        "-DBULWARK_FUZZ=OFF.")
endif()
if(NOT BULWARK_FUZZ)
    if(BULWARK_FUZZ_WORKS)
        message(STATUS "Fuzz targets (tests/fuzz): off (BULWARK_FUZZ=OFF)")
    else()
        message(STATUS "Fuzz targets (tests/fuzz): skipped, ${BULWARK_FUZZ_WHY}; install clang "
                       "and libclang-rt-14-dev to build them (ctest label 'fuzz')")
    endif()
    return()
endif()
message(STATUS "Fuzz targets (tests/fuzz): built with ${BULWARK_FUZZ_CLANGXX} (target "
               "bulwark_fuzz, ctest -L fuzz)")

include(ExternalProject)
set(bulwark_fuzz_binary_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
string(REPLACE ";" "|" bulwark_fuzz_prefix_path "${CMAKE_PREFIX_PATH}")
set(bulwark_fuzz_args
    -DCMAKE_CXX_COMPILER=${BULWARK_FUZZ_CLANGXX}
    -DCMAKE_PREFIX_PATH=${bulwark_fuzz_prefix_path}
    -DQt6_DIR=${Qt6_DIR})
if(CMAKE_CXX_COMPILER_LAUNCHER)
    list(APPEND bulwark_fuzz_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER})
endif()
# BUILD_ALWAYS: the inner build system decides what changed in the sources.
ExternalProject_Add(bulwark_fuzz
    SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz
    BINARY_DIR ${bulwark_fuzz_binary_dir}
    CMAKE_ARGS ${bulwark_fuzz_args}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    LIST_SEPARATOR |)

foreach(target IN LISTS bulwark_fuzz_targets)
    add_test(NAME fuzz_${target}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run-fuzz.sh --build-dir
                     ${bulwark_fuzz_binary_dir} ${target})
    # BULWARK_FUZZ_SECONDS in ctest's environment sets the time per target.
    set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz)
endforeach()
