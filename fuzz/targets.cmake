# The libFuzzer targets, one per parser family: read by fuzz/CMakeLists.txt (to build them) and by
# fuzz/ctest.cmake (to register a short run of each in the main ctest). Each is fuzz/<name>.cpp.
set(BITACORA_FUZZ_TARGETS
  fuzz_wompi fuzz_mercadopago fuzz_stripe fuzz_standard fuzz_http_request fuzz_jwt
  fuzz_envelope fuzz_event_payloads fuzz_snapshot fuzz_config)
