#!/usr/bin/env bash
# Single-node Slurm cluster on this machine for @aeroml/launcher-slurm's tests.
# Idempotent: installs slurm-wlm + munge when missing, writes /etc/slurm/slurm.conf,
# starts munged, slurmctld and slurmd only when the controller does not answer, waits
# until the node is idle, and writes .tools/slurm.env. Pids go to .tools/slurm/*.pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T="$ROOT/.tools"; P="$T/slurm"; mkdir -p "$P"
# Slurm's own state lives in a fixed place so a second clone on the same machine
# finds (and reuses) the cluster the first one started.
D=/tmp/aero-slurm
log() { echo "[slurm] $*"; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  log "installing slurm-wlm and munge (apt)"
  flock /tmp/aero-apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null'
fi

write_env() {
  {
    echo "SLURM_PARTITION=debug"
    echo "SLURM_NODE=$(hostname -s)"
    echo "SLURM_CPUS=$(sinfo -h -o %c | head -1)"
    echo "SLURM_STATE_DIR=$D"
    echo "SLURM_CONF=/etc/slurm/slurm.conf"
  } > "$T/slurm.env"
  for f in slurmctld slurmd munged; do
    [ -s "$D/$f.pid" ] && cp "$D/$f.pid" "$P/$f.pid"
  done
  return 0
}

if scontrol ping 2>/dev/null | grep -q 'is UP' && sinfo -h -o '%T' 2>/dev/null | grep -Eq 'idle|mixed|alloc'; then
  log "already running"; write_env; exit 0
fi

H=$(hostname -s)
CPUS=$(( $(nproc) > 8 ? $(nproc) : 8 ))
mkdir -p "$D/spool" "$D/state" /etc/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=aero
SlurmctldHost=$H
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
ReturnToService=2
MinJobAge=3600
MaxArraySize=10001
MaxJobCount=20000
# Short intervals so state changes (timeouts, kills) show up quickly in tests.
SchedulerParameters=sched_interval=1,bf_interval=1
KillWait=2
InactiveLimit=0
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmdSpoolDir=$D/spool
StateSaveLocation=$D/state
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.txt
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
# The node offers 8 CPUs even on a 2-core machine (config_overrides) so short test
# jobs, which mostly wait, run side by side instead of two at a time.
SlurmdParameters=config_overrides
NodeName=$H CPUs=$CPUS RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=$H Default=NO MaxTime=1 State=UP
CONF

test -f /etc/munge/munge.key || mungekey --create
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge; chown munge:munge /run/munge /var/log/munge /var/lib/munge

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! alive /run/munge/munged.pid; then
  log "starting munged"
  runuser -u munge -- munged --force 2>/dev/null || munged --force
fi
for _ in $(seq 1 20); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.5; done
cp /run/munge/munged.pid "$D/munged.pid" 2>/dev/null || true
if ! alive "$D/slurmctld.pid"; then log "starting slurmctld"; slurmctld; fi
if ! alive "$D/slurmd.pid"; then log "starting slurmd"; slurmd; fi

for i in $(seq 1 60); do
  if scontrol ping 2>/dev/null | grep -q 'is UP'; then
    st=$(sinfo -h -n "$H" -o '%T' 2>/dev/null | head -1 || true)
    case "$st" in
      idle*|mixed*|alloc*) log "ready (node $H $st)"; write_env; exit 0 ;;
      down*|drain*) scontrol update nodename="$H" state=resume >/dev/null 2>&1 || true ;;
    esac
  fi
  sleep 1
done
echo "[slurm] cluster did not become ready; see $D/slurmctld.log and $D/slurmd.log" >&2
tail -n 20 "$D/slurmctld.log" "$D/slurmd.log" >&2 || true
exit 1
