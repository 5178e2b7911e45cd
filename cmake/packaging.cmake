# Installing bitacora and packaging it as a Debian package (CPack DEB). Included from the root
# CMakeLists.txt, after every target exists.
#
#   scripts/package                      builds, then `cpack -G DEB` in build/: build/bitacora_<version>_<arch>.deb
#   tests/package/package_test.sh        ctest "package: deb": builds the .deb elsewhere and checks it
#
# The package's layout (packaging/ holds the sources):
#   /usr/bin/bitacora                         the binary (stripped in the package)
#   /etc/bitacora/bitacora.toml               production configuration, a conffile, no secret in it
#   /lib/systemd/system/bitacora.service      the unit (Type=notify, user bitacora, sandboxed)
#   /usr/lib/sysusers.d/bitacora.conf         the system user and group bitacora
#   /usr/share/man/man1/bitacora.1.gz         the man page
#   /usr/share/doc/bitacora/                  README.md and api.md
# postinst creates the user (systemd-sysusers, else adduser) and reloads systemd; it does not
# enable or start the service. Nothing under /var/lib/bitacora is shipped, so dpkg never removes it.
#
# Paths fixed by the system (/etc, systemd's and sysusers' directories) are absolute; the rest are
# relative to the prefix, /usr in the package (CPACK_PACKAGING_INSTALL_PREFIX). CPack's DEB
# generator installs absolute destinations under its staging root, so they come out absolute in
# the package. (A plain `cmake --install` with the default prefix puts the binary in
# /usr/local/bin while the unit names /usr/bin/bitacora: the package is the supported install.)

include(GNUInstallDirs)

set(BITACORA_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(BITACORA_PACKAGING_BINARY_DIR ${PROJECT_BINARY_DIR}/packaging)

install(TARGETS bitacora RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${BITACORA_PACKAGING_DIR}/bitacora.toml DESTINATION /etc/bitacora)
install(FILES ${BITACORA_PACKAGING_DIR}/bitacora.service DESTINATION /lib/systemd/system)
install(FILES ${BITACORA_PACKAGING_DIR}/sysusers.conf DESTINATION /usr/lib/sysusers.d RENAME bitacora.conf)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/api.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The man page: the project's version substituted into it, then gzip -n (no name or time stamp in
# the header, so the same page gives the same bytes), at build time.
configure_file(${BITACORA_PACKAGING_DIR}/bitacora.1 ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1 @ONLY)
find_program(BITACORA_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1.gz
  COMMAND ${BITACORA_GZIP} -9 -n -f -k ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1
  DEPENDS ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1
  COMMENT "Compressing the man page bitacora.1"
  VERBATIM)
add_custom_target(bitacora_man ALL DEPENDS ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1.gz)
install(FILES ${BITACORA_PACKAGING_BINARY_DIR}/bitacora.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# dpkg marks nothing as a conffile by itself (CPack 3.25 does not either: only debhelper does), so
# the control archive carries a conffiles file with the one configuration file.
file(WRITE ${BITACORA_PACKAGING_BINARY_DIR}/conffiles "/etc/bitacora/bitacora.toml\n")

# ---- CPack: the Debian package ----
set(BITACORA_PACKAGE_MAINTAINER "bitacora maintainers <maintainers@bitacora.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(BITACORA_PACKAGE_HOMEPAGE "https://bitacora.example"
    CACHE STRING "The Homepage field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bitacora)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR bitacora)
set(CPACK_PACKAGE_CONTACT "${BITACORA_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "durable payment webhooks, carts and stock reservations on an embedded event log")
# Lines under 80 columns, as dpkg shows them; CPack indents them and turns the empty one into " .".
set(CPACK_PACKAGE_DESCRIPTION
    "bitacora is one server that takes payment-gateway webhooks (Wompi, Mercado
Pago, Stripe and any Standard Webhooks sender) and makes every one of them an
event in an embedded, fsync'd RocksDB log before it answers. The same log holds
the shop's catalog, carts and orders; each webhook is processed into its
payment effect exactly once.

The package installs the server, its configuration in /etc/bitacora and a
sandboxed systemd unit running as the user bitacora, with its data in
/var/lib/bitacora. It does not start the service: set the secrets first (see
/etc/bitacora/bitacora.toml).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)

set(CPACK_DEBIAN_PACKAGE_NAME bitacora)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # bitacora_<version>_<arch>.deb
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE BITACORA_DEB_ARCH
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE no_dpkg)
if(no_dpkg OR NOT BITACORA_DEB_ARCH)
  set(BITACORA_DEB_ARCH amd64)  # not a Debian machine: cpack -G DEB is not expected to run here
endif()
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${BITACORA_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${BITACORA_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${BITACORA_PACKAGE_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages, computed by dpkg-shlibdeps from what the binary links; plus what
# postinst runs to create the user: systemd-sysusers (package systemd), else adduser.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser | systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${BITACORA_PACKAGING_BINARY_DIR}/conffiles ${BITACORA_PACKAGING_DIR}/postinst ${BITACORA_PACKAGING_DIR}/prerm
    ${BITACORA_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)  # maintainer scripts 0755, conffiles 0644

include(CPack)
