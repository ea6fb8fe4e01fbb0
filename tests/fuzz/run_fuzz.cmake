# Builds the libFuzzer target with clang in its own project and runs it for a bounded time.
#   cmake -DSOURCE=<repo> -DBINARY=<build dir> [-DSECONDS=30] -P run_fuzz.cmake
# Exits with 77 (CTest SKIP_RETURN_CODE) when clang or libFuzzer is not installed.
cmake_minimum_required(VERSION 3.25)
if(NOT SECONDS)
    set(SECONDS 30)
endif()
find_program(CLANGXX NAMES clang++-14 clang++)
find_program(CLANG NAMES clang-14 clang)
if(NOT CLANGXX OR NOT CLANG)
    message("SKIP: clang is not installed (apt-get install clang-14 libfuzzer-14-dev)")
    cmake_language(EXIT 77)
endif()
set(_build ${BINARY}/fuzz)
if(NOT EXISTS ${_build}/CMakeCache.txt)
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE}/tests/fuzz/project -B ${_build} -G Ninja
                            -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=${CLANG} -DCMAKE_CXX_COMPILER=${CLANGXX}
                            -DVERIDICOR_SOURCE_DIR=${SOURCE}
                    RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "configuring the fuzz project failed")
    endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${SOURCE} CCACHE_NOHASHDIR=true
                        ${CMAKE_COMMAND} --build ${_build} -j 2 RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
    if(_out MATCHES "libclang_rt.fuzzer|cannot find -l.*fuzzer|fuzzer.*not found")
        message("SKIP: libFuzzer is not installed (apt-get install libfuzzer-14-dev)\n${_out}")
        cmake_language(EXIT 77)
    endif()
    message(FATAL_ERROR "building the fuzz target failed:\n${_out}")
endif()
set(_corpus ${_build}/corpus)
file(REMOVE_RECURSE ${_corpus})
file(MAKE_DIRECTORY ${_corpus})
execute_process(COMMAND ${CMAKE_COMMAND} -E env VERIDICOR_FUZZ_WRITE_SEEDS=${_corpus} ${_build}/fuzz_bundle -runs=0
                RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "writing the seed corpus failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
                        ${_build}/fuzz_bundle ${_corpus} -dict=${SOURCE}/tests/fuzz/bundle.dict
                        -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -max_len=65536
                        -artifact_prefix=${_build}/
                        -print_final_stats=1
                RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "the fuzzer found a problem (exit ${_rc}); the input is in ${_build}/crash-* or leak-*")
endif()
message("fuzz_bundle ran for ${SECONDS} s without finding a problem")
