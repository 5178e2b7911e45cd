#!/usr/bin/env bash
# ctest "package: deb": builds the Debian package with CPack into a temporary directory (never into
# the source or build tree) and checks it as an operator would meet it: its name and control
# fields, Depends against what the binary really links, the conffile, the layout, the maintainer
# scripts, the binary from the package starting with the packaged configuration, the man page and
# the systemd unit (systemd-analyze verify). Every check says what it checked; the first failure
# stops the test with a message and a non-zero status.
#
#   package_test.sh BUILD_DIR VERSION [CPACK]
#
# PACKAGE_TEST_LOCK=FILE (optional): run cpack under `flock FILE`, so that it never reads a binary
# another build on the same machine is still linking.
set -euo pipefail

build_dir=${1:?usage: package_test.sh BUILD_DIR VERSION [CPACK]}
version=${2:?usage: package_test.sh BUILD_DIR VERSION [CPACK]}
cpack=${3:-cpack}
lock=${PACKAGE_TEST_LOCK:-}

# The binary rejects unknown BITACORA_* variables, and none from the caller's environment may
# change what is checked: the test sets its own.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^BITACORA_' || true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bitacora-package-test.XXXXXX")
server_pid=""
notify_pid=""
cleanup() {
  for pid in $server_pid $notify_pid; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { printf 'ok    %s\n' "$*"; }
skip() { printf 'SKIP  %s\n' "$*"; }
info() { printf '      %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*" >&2
  exit 1
}
# now_ms: a monotonic-enough clock in milliseconds, for deadlines.
now_ms() { date +%s%3N; }

arch=$(dpkg --print-architecture)

# ---- 1. cpack, into the temporary directory ----
[ -f "$build_dir/CPackConfig.cmake" ] || fail "no $build_dir/CPackConfig.cmake: configure the build first"
out="$tmp/out"
cpack_cmd=("$cpack" -G DEB -B "$out" --config "$build_dir/CPackConfig.cmake")
[ -n "$lock" ] && cpack_cmd=(flock "$lock" "${cpack_cmd[@]}")
if ! "${cpack_cmd[@]}" >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB failed (output above)"
fi
mapfile -t debs < <(find "$out" -maxdepth 1 -name '*.deb')
[ "${#debs[@]}" -eq 1 ] || { cat "$tmp/cpack.log" >&2; fail "cpack made ${#debs[@]} .deb files in $out, expected 1"; }
deb=${debs[0]}
ok "cpack -G DEB made $(basename "$deb") ($(du -h "$deb" | cut -f1)) in a temporary directory"

# ---- 2. the file name and the control fields ----
expected_name="bitacora_${version}_${arch}.deb"
[ "$(basename "$deb")" = "$expected_name" ] || fail "package file is $(basename "$deb"), expected $expected_name"
ok "file name is $expected_name"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = bitacora ] || fail "Package is '$(field Package)', expected bitacora"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', expected $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)', expected $arch"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)', expected net"
for f in Maintainer Homepage Description; do
  [ -n "$(field "$f")" ] || fail "the control file has no $f"
done
ok "control: Package bitacora, Version $version, Architecture $arch, Section net, Maintainer, Homepage, Description"

# ---- 3. the layout: exactly the expected files, at absolute paths ----
dpkg-deb -c "$deb" >"$tmp/contents"
expected_files=(
  ./etc/bitacora/bitacora.toml
  ./lib/systemd/system/bitacora.service
  ./usr/bin/bitacora
  ./usr/lib/sysusers.d/bitacora.conf
  ./usr/share/doc/bitacora/README.md
  ./usr/share/doc/bitacora/api.md
  ./usr/share/man/man1/bitacora.1.gz
)
actual_files=$(awk '$1 !~ /^d/ {print $6}' "$tmp/contents" | sort)
wanted_files=$(printf '%s\n' "${expected_files[@]}" | sort)
if [ "$actual_files" != "$wanted_files" ]; then
  # shellcheck disable=SC2086 # one path a line
  { info "expected:"; printf '        %s\n' $wanted_files; info "in the package:"; printf '        %s\n' $actual_files; } >&2
  fail "the package's files differ from the expected layout (a path under /usr/etc or /usr/lib/systemd means an absolute destination came out relative)"
fi
grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/bitacora$' "$tmp/contents" ||
  fail "usr/bin/bitacora is not -rwxr-xr-x root/root: $(grep ' ./usr/bin/bitacora$' "$tmp/contents")"
ok "dpkg-deb -c: exactly the ${#expected_files[@]} expected files; usr/bin/bitacora -rwxr-xr-x root/root"

root="$tmp/root"
dpkg -x "$deb" "$root"
bin="$root/usr/bin/bitacora"
for f in "${expected_files[@]}"; do
  [ -f "$root/${f#./}" ] || fail "dpkg -x: ${f#./} is missing"
done
[ -x "$bin" ] || fail "dpkg -x: usr/bin/bitacora is not executable"
ok "dpkg -x into a throwaway root: every file there, usr/bin/bitacora executable"
if readelf -S "$bin" | grep -q '\.debug_info'; then
  fail "usr/bin/bitacora still has debug sections (CPACK_STRIP_FILES)"
fi
ok "usr/bin/bitacora is stripped ($(du -h "$bin" | cut -f1))"

# ---- 4. Depends: every library the packaged binary links comes from a package it depends on ----
depends=$(field Depends)
info "Depends: $depends"
# Package names in Depends, alternatives and version constraints dropped.
depends_names=" $(printf '%s\n' "$depends" | sed -E 's/[,|]/\n/g' | sed -E 's/\(.*\)//; s/:[a-z0-9]+$//; s/^ +//; s/ +$//' | tr '\n' ' ') "
mapfile -t needed < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ "${#needed[@]}" -gt 0 ] || fail "readelf found no NEEDED library in usr/bin/bitacora"
for soname in "${needed[@]}"; do
  # The packages shipping a file named exactly $soname (any multiarch directory).
  owners=$({ dpkg -S "*/$soname" 2>/dev/null || true; } |
    awk -v so="$soname" '{ i = index($0, ": "); pkgs = substr($0, 1, i - 1); path = substr($0, i + 2);
                            n = split(path, p, "/"); if (p[n] == so) print pkgs }' |
    tr ',' '\n' | sed -E 's/^ +//; s/:.*$//' | sort -u)
  [ -n "$owners" ] || fail "no installed package ships $soname (NEEDED by usr/bin/bitacora)"
  # Depends may name the package or a virtual package it provides (libspdlog1.10 provides
  # libspdlog1.10-fmt9, the name its shlibs file gives).
  found=""
  for p in $owners; do
    provides=$(dpkg-query -W -f='${Provides}' "$p" 2>/dev/null | sed -E 's/\([^)]*\)//g; s/,/ /g' || true)
    for name in $p $provides; do
      case "$depends_names" in *" $name "*) found=$name ;; esac
    done
  done
  # shellcheck disable=SC2086 # one package a word
  [ -n "$found" ] || fail "usr/bin/bitacora links $soname, from $(printf '%s ' $owners)but Depends does not name it"
  info "$soname -> $found"
done
ok "Depends names the package of each of the ${#needed[@]} libraries usr/bin/bitacora links (dpkg-shlibdeps)"
case " ${needed[*]} " in
  *" librocksdb.so"*) info "RocksDB is linked as a shared library (checked above)" ;;
  *) info "RocksDB is linked statically (librocksdb.a: no librocksdb.so in NEEDED), so no librocksdb package is needed" ;;
esac
info "Boost (Beast, Asio) is header-only here: no libboost library in NEEDED"
printf '%s\n' "$depends" | grep -qE '(^|, )adduser \| systemd(,|$)' ||
  fail "Depends lacks 'adduser | systemd' (postinst creates the user with systemd-sysusers or adduser)"
ok "Depends has 'adduser | systemd' for postinst"

# ---- 5. the control archive: conffiles, postinst, prerm, postrm ----
ctrl="$tmp/control"
dpkg-deb -e "$deb" "$ctrl"
[ -f "$ctrl/conffiles" ] || fail "the control archive has no conffiles"
[ "$(cat "$ctrl/conffiles")" = /etc/bitacora/bitacora.toml ] ||
  fail "conffiles must list exactly /etc/bitacora/bitacora.toml, it holds: $(tr '\n' ' ' <"$ctrl/conffiles")"
ok "conffiles lists exactly /etc/bitacora/bitacora.toml"
for s in postinst prerm postrm; do
  [ -x "$ctrl/$s" ] || fail "the control archive has no executable $s"
  sh -n "$ctrl/$s" || fail "$s: syntax error"
  grep -qE '^set -e' "$ctrl/$s" || fail "$s does not set -e"
done
if sed 's/#.*//' "$ctrl/postinst" | grep -E 'systemctl.*\b(enable|start|restart)\b' | grep -v 'try-restart' | grep -q .; then
  fail "postinst enables or starts the service; the operator must set secrets first"
fi
if sed 's/#.*//' "$ctrl/postrm" | grep -E '\brm\b.*/var/lib/bitacora' | grep -q .; then
  fail "postrm deletes /var/lib/bitacora: the data must survive a purge"
fi
grep -qE 'systemctl stop bitacora' "$ctrl/prerm" || fail "prerm does not stop the service before its binary is removed"
ok "postinst, prerm and postrm: executable, sh -n clean, set -e; postinst never enables/starts; prerm stops it; postrm keeps /var/lib/bitacora"

# postinst, run with every command it may call replaced by a stub that records its arguments
# (nothing on this machine changes): with systemd-sysusers, and without it (adduser).
stubs="$tmp/stubs"
mkdir -p "$stubs/with" "$stubs/without"
for cmd in systemd-sysusers getent adduser install systemctl; do
  for dir in with without; do
    [ "$dir/$cmd" = without/systemd-sysusers ] && continue
    status=0
    [ "$cmd" = getent ] && status=2  # the user does not exist yet
    printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit %s\n' "$cmd" "$tmp/postinst-$dir.log" "$status" >"$stubs/$dir/$cmd"
    chmod +x "$stubs/$dir/$cmd"
  done
done
PATH="$stubs/with:/usr/bin:/bin" sh "$ctrl/postinst" configure >/dev/null ||
  fail "postinst configure failed (systemd-sysusers branch)"
grep -qx 'systemd-sysusers /usr/lib/sysusers.d/bitacora.conf' "$tmp/postinst-with.log" ||
  fail "postinst did not run systemd-sysusers /usr/lib/sysusers.d/bitacora.conf: $(cat "$tmp/postinst-with.log")"
PATH="$stubs/without" /bin/sh "$ctrl/postinst" configure >/dev/null ||
  fail "postinst configure failed (adduser branch)"
grep -q '^adduser --system --group .*bitacora$' "$tmp/postinst-without.log" ||
  fail "without systemd-sysusers, postinst did not run adduser --system --group … bitacora: $(cat "$tmp/postinst-without.log")"
if grep -hE '^systemctl .*(enable|start)' "$tmp"/postinst-*.log | grep -v try-restart | grep -q .; then
  fail "postinst called systemctl enable/start"
fi
ok "postinst configure (stubbed commands): systemd-sysusers when present, else adduser --system --group; exit 0"

# ---- 6. the binary from the package runs ----
version_out=$("$bin" --version) || fail "usr/bin/bitacora --version exited $?"
case "$version_out" in
  "bitacora $version "* | "bitacora $version") ;;
  *) fail "usr/bin/bitacora --version printed '$version_out', expected 'bitacora $version …'" ;;
esac
ok "usr/bin/bitacora --version: $version_out"

# ---- 7. the configuration file: no secret set, loads ----
conf="$root/etc/bitacora/bitacora.toml"
# An uncommented key whose name holds "secret" or "token" (jwt_secret, admin_token, events_secret,
# integrity_secret, webhook_secret, access_token, secret, token_sha256, and their _file forms), or
# an uncommented named operator or Standard Webhooks source.
if grep -nE '^[[:space:]]*([A-Za-z0-9_]*(secret|token)[A-Za-z0-9_]*[[:space:]]*=|\[(operators|standard_webhooks)\.)' "$conf"; then
  fail "etc/bitacora/bitacora.toml sets a secret (lines above): it ships with none"
fi
ok "etc/bitacora/bitacora.toml sets no secret, operator or webhook source"
grep -qE '^[[:space:]]*dir[[:space:]]*=[[:space:]]*"/var/lib/bitacora"' "$conf" ||
  fail "etc/bitacora/bitacora.toml does not set storage.dir = \"/var/lib/bitacora\""
grep -qE '^[[:space:]]*listen[[:space:]]*=[[:space:]]*"127\.0\.0\.1:8080"' "$conf" ||
  fail "etc/bitacora/bitacora.toml does not set server.listen = \"127.0.0.1:8080\""
ok "etc/bitacora/bitacora.toml: storage.dir /var/lib/bitacora, server.listen 127.0.0.1:8080"

# check-config, when this binary has it (it lists it among its subcommands).
if "$bin" --help 2>/dev/null | grep -qE '^[[:space:]]+check-config([[:space:]]|$)'; then
  if ! "$bin" check-config --config "$conf" >"$tmp/check-config.out" 2>&1; then
    cat "$tmp/check-config.out" >&2
    fail "bitacora check-config rejects the packaged configuration (output above)"
  fi
  grep -q '/var/lib/bitacora' "$tmp/check-config.out" ||
    fail "check-config's effective settings do not show storage.dir /var/lib/bitacora: $(cat "$tmp/check-config.out")"
  ok "bitacora check-config --config etc/bitacora/bitacora.toml: valid (exit 0), storage.dir /var/lib/bitacora"
  sed 's/^listen = .*/listen = "not-a-listen-address"/' "$conf" >"$tmp/broken.toml"
  status=0
  "$bin" check-config --config "$tmp/broken.toml" >/dev/null 2>&1 || status=$?
  [ "$status" -eq 2 ] || fail "check-config on a broken copy (listen = \"not-a-listen-address\") exited $status, expected 2"
  ok "bitacora check-config on a broken copy of it: exit 2"
else
  skip "bitacora check-config: this binary has no such subcommand yet (not in bitacora --help); the serve check below loads the file"
fi

# ---- 8. the binary from the package serves with the packaged configuration ----
# storage.dir and the port are overridden (BITACORA_*), the rest is the file's. When the binary
# links libsystemd, a NOTIFY_SOCKET of our own checks the READY=1 that Type=notify waits for.
sends_notify=false
case " ${needed[*]} " in *" libsystemd.so"*) sends_notify=true ;; esac
notify_env=()
if $sends_notify; then
  python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'EOF' &
import socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
sock.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as log:
    try:
        while True:
            log.write(sock.recv(4096).decode(errors="replace") + "\n")
    except socket.timeout:
        pass
EOF
  notify_pid=$!
  deadline=$(($(now_ms) + 10000))
  until [ -S "$tmp/notify.sock" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "the test's notify socket did not appear"
    sleep 0.05
  done
  notify_env=(NOTIFY_SOCKET="$tmp/notify.sock")
fi
env "${notify_env[@]}" BITACORA_STORAGE_DIR="$tmp/data" BITACORA_SERVER_LISTEN=127.0.0.1:0 \
  "$bin" serve --config "$conf" --port-file "$tmp/port" >"$tmp/serve.log" 2>&1 &
server_pid=$!
deadline=$(($(now_ms) + 60000))
port=""
until [ -n "$port" ] && curl -fsS --max-time 2 "http://127.0.0.1:$port/readyz" >"$tmp/readyz" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$tmp/serve.log" >&2
    fail "usr/bin/bitacora serve --config etc/bitacora/bitacora.toml exited before it was ready (log above)"
  fi
  if [ "$(now_ms)" -ge "$deadline" ]; then
    cat "$tmp/serve.log" >&2
    fail "usr/bin/bitacora serve was not ready within 60 s (port file '${port}', log above)"
  fi
  [ -s "$tmp/port" ] && port=$(cat "$tmp/port")
  sleep 0.05
done
ok "usr/bin/bitacora serve --config etc/bitacora/bitacora.toml: port $port, GET /readyz -> $(cat "$tmp/readyz")"
if $sends_notify; then
  deadline=$(($(now_ms) + 10000))
  until grep -q '^READY=1' "$tmp/notify.log" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "the server is ready but sent no READY=1 to NOTIFY_SOCKET (Type=notify would time out)"
    sleep 0.05
  done
  ok "sd_notify: READY=1 received on NOTIFY_SOCKET"
else
  skip "sd_notify: usr/bin/bitacora does not link libsystemd yet, READY=1 not checked"
fi
kill -TERM "$server_pid"
deadline=$(($(now_ms) + 30000))
while kill -0 "$server_pid" 2>/dev/null; do
  # A zombie still answers kill -0; `wait` below reaps it. Stop polling once it is one.
  [ "$(ps -o stat= -p "$server_pid" 2>/dev/null | cut -c1)" = Z ] && break
  [ "$(now_ms)" -lt "$deadline" ] || { cat "$tmp/serve.log" >&2; fail "the server did not stop within 30 s of SIGTERM"; }
  sleep 0.05
done
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { cat "$tmp/serve.log" >&2; fail "the server exited $status on SIGTERM, expected 0"; }
ok "SIGTERM: the server stopped cleanly (exit 0)"
if $sends_notify; then
  deadline=$(($(now_ms) + 5000))
  until grep -q '^STOPPING=1' "$tmp/notify.log" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "the server stopped without sending STOPPING=1"
    sleep 0.05
  done
  ok "sd_notify: STOPPING=1 received on SIGTERM"
  kill "$notify_pid" 2>/dev/null || true
  wait "$notify_pid" 2>/dev/null || true
  notify_pid=""
fi

# ---- 9. the man page ----
man_gz="$root/usr/share/man/man1/bitacora.1.gz"
gzip -t "$man_gz" || fail "usr/share/man/man1/bitacora.1.gz is not valid gzip"
[ "$(od -An -tu4 -j4 -N4 "$man_gz" | tr -d ' ')" = 0 ] || fail "bitacora.1.gz has a time stamp: compress it with gzip -n"
zcat "$man_gz" | grep -q '^\.TH BITACORA 1 ' || fail "bitacora.1.gz has no .TH BITACORA 1 line"
zcat "$man_gz" | grep -qF "bitacora $version" || fail "bitacora.1.gz does not name version $version"
ok "usr/share/man/man1/bitacora.1.gz: gzip -n, .TH BITACORA 1, version $version"
# Every subcommand `bitacora --help` lists has its entry in the page, and the documented ones too.
mapfile -t subcommands < <("$bin" --help | sed -n '/^Subcommands:/,$ s/^  \([a-z][a-z-]*\) .*/\1/p')
mapfile -t documented < <(printf '%s\n' "${subcommands[@]}" serve check-config export replay audit backup restore | sort -u)
for sub in "${documented[@]}"; do
  zcat "$man_gz" | grep -qE "^\.B $(printf '%s' "$sub" | sed 's/-/\\\\-/g')( |$)" ||
    fail "the man page has no entry for the subcommand $sub"
done
ok "the man page has an entry for every subcommand bitacora --help lists and the documented ones: ${documented[*]}"
if command -v man >/dev/null; then
  if ! LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_gz" >"$tmp/man.txt" 2>"$tmp/man.err"; then
    cat "$tmp/man.err" >&2
    fail "man -l bitacora.1.gz failed"
  fi
  [ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err" >&2; fail "man -l --warnings: troff warnings above"; }
  for text in /etc/bitacora/bitacora.toml BITACORA_SECTION_KEY CREDENTIALS_DIRECTORY "EXIT STATUS"; do
    grep -qF -- "$text" "$tmp/man.txt" || fail "the rendered man page does not mention $text"
  done
  ok "man -l renders it without warnings ($(wc -l <"$tmp/man.txt") lines), with the default config, overrides, credentials and exit statuses"
else
  skip "man -l: man is not installed (man-db); checked with zcat only"
fi

# ---- 10. the systemd unit ----
unit="$root/lib/systemd/system/bitacora.service"
sysusers="$root/usr/lib/sysusers.d/bitacora.conf"
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
exec_start=$(unit_value ExecStart)
[ "$exec_start" = "/usr/bin/bitacora serve --config /etc/bitacora/bitacora.toml" ] ||
  fail "ExecStart is '$exec_start'"
[ "$(unit_value Type)" = notify ] || fail "Type is '$(unit_value Type)', expected notify"
user=$(unit_value User)
if [ "$user" != bitacora ] || [ "$(unit_value Group)" != bitacora ]; then fail "User/Group are not bitacora"; fi
grep -qE "^u $user " "$sysusers" || fail "usr/lib/sysusers.d/bitacora.conf does not declare the unit's user $user"
[ "$(unit_value StateDirectory)" = bitacora ] || fail "StateDirectory is not bitacora"
ok "the unit runs the packaged /usr/bin/bitacora with the packaged /etc/bitacora/bitacora.toml, Type=notify, as $user (declared in sysusers.d), StateDirectory=bitacora"
if command -v systemd-sysusers >/dev/null; then
  # The sysusers.d file, applied to an empty root (nothing on this machine changes), twice: the
  # second run must change nothing (postinst runs it on every configure).
  sysroot="$tmp/sysroot"
  mkdir -p "$sysroot/etc"
  systemd-sysusers --root="$sysroot" "$sysusers" >"$tmp/sysusers.log" 2>&1 ||
    { cat "$tmp/sysusers.log" >&2; fail "systemd-sysusers rejects usr/lib/sysusers.d/bitacora.conf"; }
  cp "$sysroot/etc/passwd" "$tmp/passwd.first"
  systemd-sysusers --root="$sysroot" "$sysusers" >>"$tmp/sysusers.log" 2>&1 || fail "systemd-sysusers failed on its second run"
  cmp -s "$sysroot/etc/passwd" "$tmp/passwd.first" || fail "a second systemd-sysusers run changed /etc/passwd"
  grep -qE '^bitacora:x:[0-9]+:[0-9]+:bitacora server:/var/lib/bitacora:/usr/sbin/nologin$' "$sysroot/etc/passwd" ||
    fail "systemd-sysusers made no system user bitacora with home /var/lib/bitacora: $(cat "$sysroot/etc/passwd")"
  grep -qE '^bitacora:x:[0-9]+:' "$sysroot/etc/group" || fail "systemd-sysusers made no group bitacora"
  ok "systemd-sysusers --root=<empty root> usr/lib/sysusers.d/bitacora.conf: user and group bitacora, home /var/lib/bitacora, nologin; a second run changes nothing"
else
  skip "systemd-sysusers: not installed; sysusers.d/bitacora.conf only checked for the unit's user"
fi
if command -v systemd-analyze >/dev/null; then
  # `systemd-analyze verify` checks that ExecStart's binary exists on this machine, and `--root=`
  # finds none of the host's units (sysinit.target…) in the throwaway root; so the unit is verified
  # as a copy whose ExecStart names the extracted binary, everything else unchanged. Documentation=
  # man:bitacora(1) is resolved in the extracted root through MANPATH. verify exits 0 on a setting
  # it cannot parse ("…, ignoring"), so any line it prints about the unit fails the check too.
  mkdir -p "$tmp/unit"
  sed "s#^ExecStart=/usr/bin/bitacora #ExecStart=$bin #" "$unit" >"$tmp/unit/bitacora.service"
  grep -q "^ExecStart=$bin " "$tmp/unit/bitacora.service" || fail "could not point the unit copy at the extracted binary"
  man_opt=()
  command -v man >/dev/null || man_opt=(--man=no)
  status=0
  MANPATH="$root/usr/share/man" systemd-analyze verify --recursive-errors=no "${man_opt[@]}" \
    "$tmp/unit/bitacora.service" >"$tmp/verify.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || grep -qi 'bitacora' "$tmp/verify.log"; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify lib/systemd/system/bitacora.service: exit $status (output above)"
  fi
  ok "systemd-analyze verify lib/systemd/system/bitacora.service: clean"
  exposure=$(systemd-analyze security --offline=true "$tmp/unit/bitacora.service" 2>/dev/null | sed -n 's/^→ //p' || true)
  if [ -n "$exposure" ]; then info "systemd-analyze security: $exposure"; fi
else
  skip "systemd-analyze verify: systemd-analyze is not installed (package systemd)"
fi

echo "package: deb: every check passed ($(basename "$deb"))"
