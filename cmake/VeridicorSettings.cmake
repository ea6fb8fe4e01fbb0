# One settings target that every Veridicor target links (no global CMAKE_CXX_FLAGS).
add_library(veridicor_settings INTERFACE)
add_library(veridicor::settings ALIAS veridicor_settings)
target_compile_features(veridicor_settings INTERFACE cxx_std_20)
target_compile_options(veridicor_settings INTERFACE
    -Wall -Wextra -pedantic -Wold-style-cast -Wnon-virtual-dtor -Wshadow=local
    $<$<BOOL:${VERIDICOR_WERROR}>:-Werror>)
target_compile_definitions(veridicor_settings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_BEFORE=0x060000)
if(VERIDICOR_SANITIZE)
    string(REPLACE ";" "," _vd_san "${VERIDICOR_SANITIZE}")
    target_compile_options(veridicor_settings INTERFACE -fsanitize=${_vd_san} -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(veridicor_settings INTERFACE -fsanitize=${_vd_san})
endif()

# veridicor_module_includes(<target>) sets up a module's include layout and registers it for the layer check:
# public headers in include/veridicor/<module>/, internals in src/.
function(veridicor_module_includes target)
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                         PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC veridicor::settings)
    set_property(GLOBAL APPEND PROPERTY VERIDICOR_MODULE_TARGETS ${target})
endfunction()
