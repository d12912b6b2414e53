#!/bin/sh
# setup.sh — makes sure this machine has what Keel needs, and installs what is missing.
#
#   tools/setup.sh                 check and install everything (make setup)
#   tools/setup.sh --need WHAT     only what WHAT needs: build, qemu, gdb, grade, ci
#                                  (ci: grade's, and clang-format for the style check)
#
# On Debian and Ubuntu it installs the missing packages with apt-get (as root, or with sudo).
# Elsewhere it names what is missing and how to get it, and fails.  The Makefile runs it
# before building, booting and grading, so `make qemu` and `make grade` work on a fresh
# machine with nothing else done first.
set -u

need=all
if [ "${1:-}" = "--need" ]; then
    need=${2:?"setup.sh: --need takes one of build, qemu, gdb, grade, ci"}
fi

missing_pkgs=""
missing_what=""

# want COMMAND PACKAGE: records PACKAGE if COMMAND is not on PATH.
want() {
    if ! command -v "$1" >/dev/null 2>&1; then
        missing_pkgs="$missing_pkgs $2"
        missing_what="$missing_what $1"
    fi
}

# The cross toolchain may come with any of these prefixes (the Makefile finds which).
have_cross() {
    for p in aarch64-linux-gnu- aarch64-none-elf- aarch64-elf-; do
        command -v "${p}gcc" >/dev/null 2>&1 && command -v "${p}ld" >/dev/null 2>&1 && return 0
    done
    return 1
}

want_build() {
    have_cross || { missing_pkgs="$missing_pkgs gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu"
                    missing_what="$missing_what aarch64-linux-gnu-gcc"; }
    want make make
    want python3 python3
}
# qemu-img makes the image that QEMU's record/replay keeps its snapshots in (replays of failed
# tests run backwards only with it); Homebrew's qemu has it, Debian's is in qemu-utils.
want_qemu() { want qemu-system-aarch64 qemu-system-arm; want qemu-img qemu-utils; }
want_gdb() {
    command -v gdb-multiarch >/dev/null 2>&1 || command -v aarch64-elf-gdb >/dev/null 2>&1 ||
        want gdb-multiarch gdb-multiarch
}
want_grade_python() {
    py=$(tools/find-python)
    "$py" -c "import pytest" 2>/dev/null ||
        { missing_pkgs="$missing_pkgs python3-pytest"; missing_what="$missing_what pytest"; }
    "$py" -c "import xdist" 2>/dev/null ||
        { missing_pkgs="$missing_pkgs python3-pytest-xdist"; missing_what="$missing_what pytest-xdist"; }
}
# qemu-aarch64 runs Keel's user programs as Linux processes: the graders' Linux oracle (lab 7 on).
want_linux_oracle() { want qemu-aarch64 qemu-user; }
want_disk_tools() {
    want mcopy mtools
    want mkfs.fat dosfstools
}

# Fills missing_pkgs and missing_what with what `need` lacks.
collect() {
    missing_pkgs=""
    missing_what=""
    case "$need" in
    build) want_build ;;
    qemu) want_build; want_qemu ;;
    gdb) want_gdb ;;
    grade|all) want_build; want_qemu; want_gdb; want_grade_python; want_disk_tools
        want_linux_oracle ;;
    ci) want_build; want_qemu; want_gdb; want_grade_python; want_disk_tools; want_linux_oracle
        want clang-format clang-format ;;
    *) echo "setup.sh: unknown --need '$need' (build, qemu, gdb, grade, ci)" >&2; exit 2 ;;
    esac
}

collect
[ -z "$missing_pkgs" ] && exit 0

echo "Keel needs:$missing_what" >&2
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "setup.sh: not root and no sudo; as root, run:" >&2
        echo "    apt-get install -y --no-install-recommends$missing_pkgs" >&2
        exit 1
    fi
    echo "Installing with apt-get:$missing_pkgs" >&2
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp /tmp/keel-setup.XXXXXX)
    if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends \
            -o Dpkg::Use-Pty=0 $missing_pkgs; } >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        echo "setup.sh: apt-get failed (whole log: $log); install these and try again:" >&2
        echo "   $missing_pkgs" >&2
        exit 1
    fi
    rm -f "$log"
    echo "Installed." >&2
    collect
    if [ -n "$missing_pkgs" ]; then
        echo "setup.sh: still missing after the install:$missing_what" >&2
        exit 1
    fi
    exit 0
fi

if [ "$(uname -s)" = Darwin ]; then
    echo "On macOS, with Homebrew:" >&2
    echo "    brew install aarch64-elf-gcc aarch64-elf-binutils aarch64-elf-gdb qemu mtools dosfstools python" >&2
    echo "    python3 -m pip install pytest pytest-xdist" >&2
else
    echo "Install them with your system's package manager; on Debian or Ubuntu the packages are:" >&2
    echo "   $missing_pkgs" >&2
fi
exit 1
