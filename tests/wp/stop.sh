#!/usr/bin/env bash
# Stop the WordPress test instance that start.sh started in DIR:
#
#   bash tests/wp/stop.sh DIR
#
# Processes are found only through the PID files in DIR/run, never by name,
# so other MariaDB/PHP processes on the machine are never touched. Safe to
# run more than once, and on a DIR whose start failed half-way.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
if [[ ! -d "$1" ]]; then
    exit 0   # nothing was ever started there
fi
DIR=$(cd "$1" && pwd)
RUN_DIR="$DIR/run"

log() { echo "stop.sh: $*" >&2; }

# Is PID alive and really ours? A stale PID file could name a PID that the
# kernel has since given to an unrelated process; every process we start has
# DIR in its command line, so require that.
ours() {
    local pid=$1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$DIR"
}

# Does process group PGID still have a live member? Read /proc directly (no
# procps needed). Zombies count as gone: once start.sh has exited, our
# servers are children of PID 1, and some inits (e.g. in containers and
# micro-VMs) reap only every second or two, so `kill -0` would keep
# reporting exited processes for a while.
group_alive() {
    local pgid=$1 f line rest
    for f in /proc/[0-9]*/stat; do
        line=$(cat "$f" 2>/dev/null) || continue
        rest=${line##*) }          # after "pid (comm) ": state ppid pgrp ...
        read -r state _ pgrp _ <<< "$rest"
        if [[ "$pgrp" == "$pgid" && "$state" != Z ]]; then
            return 0
        fi
    done
    return 1
}

# stop NAME TIMEOUT_SECONDS: SIGTERM, wait, then SIGKILL.
# start.sh runs each server as the leader of its own process group (setsid),
# so signalling the group -PID also reaches php -S's forked workers.
stop_one() {
    local name=$1 timeout=$2 pidfile="$RUN_DIR/$1.pid" pid
    [[ -s "$pidfile" ]] || return 0
    pid=$(cat "$pidfile")
    if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! ours "$pid"; then
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for (( i = 0; i < timeout * 10; i++ )); do
        # Done when no live process of the group is left (workers included).
        if ! group_alive "$pid"; then
            rm -f "$pidfile"
            return 0
        fi
        sleep 0.1
    done
    log "$name (pid $pid) did not stop after ${timeout}s; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    for (( i = 0; i < 50; i++ )); do
        group_alive "$pid" || break
        sleep 0.1
    done
    rm -f "$pidfile"
}

# Web server first (it holds DB connections), then the database, which
# needs a few seconds for a clean InnoDB shutdown.
stop_one php 10
stop_one mariadb 30

# A short socket directory in /tmp is used when DIR is too deep for a socket.
if [[ -s "$RUN_DIR/sockdir" ]]; then
    sockdir=$(cat "$RUN_DIR/sockdir")
    case "$sockdir" in
        /tmp/wparchive-sock.*) rm -rf -- "$sockdir" ;;
    esac
    rm -f "$RUN_DIR/sockdir"
fi
exit 0
