# veridicor_add_qtest(<name> SOURCES ... LIBS ... LABEL <folder> [GL] [TIMEOUT s])
#
# One Qt Test executable per unit, registered with CTest and labelled by folder.
# GL tests need a real X server with GLX (Qt 6.4's offscreen platform cannot host a QOpenGLWidget):
# they run on the xcb platform and are labelled "gl"; scripts/test runs the suite under xvfb-run.
# Tests find the shared real data through VERIDICOR_SHARED_DATA and skip when it is absent.
# Their config folder (XDG_CONFIG_HOME) is build/test-config.
function(veridicor_add_qtest name)
    cmake_parse_arguments(T "GL" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE veridicor::settings Qt6::Test ${T_LIBS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
    target_compile_definitions(${name} PRIVATE
        VERIDICOR_DEFAULT_SHARED_DATA="${VERIDICOR_SHARED_DATA}"
        VERIDICOR_DEFAULT_BUILD_DIR="${PROJECT_BINARY_DIR}"
        VERIDICOR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
    add_test(NAME ${name} COMMAND ${name})
    set(_labels ${T_LABEL})
    # XDG_CONFIG_HOME: programs under test make the workstation's audit key there at first use; tests must
    # not write one into the config folder of whoever runs them.
    set(_env "VERIDICOR_SHARED_DATA=${VERIDICOR_SHARED_DATA}"
             "VERIDICOR_BUILD_DIR=${PROJECT_BINARY_DIR}"
             "VERIDICOR_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
             "XDG_CONFIG_HOME=${PROJECT_BINARY_DIR}/test-config")
    if(T_GL)
        list(APPEND _labels gl)
        list(APPEND _env "QT_QPA_PLATFORM=xcb")
    else()
        list(APPEND _env "QT_QPA_PLATFORM=offscreen")
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS "${_labels}" ENVIRONMENT "${_env}" TIMEOUT ${T_TIMEOUT})
endfunction()
