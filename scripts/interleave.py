#!/usr/bin/env python3
"""interleave.py ROUNDS NAME=CMD... : time commands in interleaved rounds.

Each round runs every command once, in the order given, so that a slow
minute of the host (other tenants, thermal limits) falls on all of them
alike; a ratio of medians taken this way is steadier than one taken from
two separate batches. One untimed run of each command comes first to warm
the page cache. The first command is the floor: every line gives its own
median over the floor's.

Exit status 0 and 1 count as success (a scanner's "clean" and "found");
anything else stops the measurement, since a command that failed fast
would look fast.
"""
import resource
import statistics
import subprocess
import sys
import time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    rc = subprocess.run(["/bin/sh", "-c", "exec " + cmd],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if rc not in (0, 1):
        sys.exit(f"interleave: exit status {rc} from: {cmd}")
    return wall, cpu


def main():
    if len(sys.argv) < 4 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit(__doc__.strip().splitlines()[0])
    rounds = int(sys.argv[1])
    named = []
    for arg in sys.argv[2:]:
        name, sep, cmd = arg.partition("=")
        if not sep or not name or not cmd:
            sys.exit(f"interleave: want NAME=CMD, got {arg!r}")
        named.append((name, cmd))
    for _, cmd in named:
        run(cmd)
    walls = {name: [] for name, _ in named}
    cpus = {name: [] for name, _ in named}
    for _ in range(rounds):
        for name, cmd in named:
            wall, cpu = run(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls[named[0][0]])
    width = max(len(name) for name, _ in named)
    print(f"{'':{width}}  {'median':>9}  {'min':>9}  {'cpu':>9}  ratio")
    for name, _ in named:
        med = statistics.median(walls[name])
        print(f"{name:{width}}  {med:8.3f}s  {min(walls[name]):8.3f}s  "
              f"{statistics.median(cpus[name]):8.3f}s  {med / floor:.2f}x")


if __name__ == "__main__":
    main()
