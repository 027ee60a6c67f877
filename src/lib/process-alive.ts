/**
 * Whether a process other than this one runs with `pid` (EPERM: it does, as another user). This
 * process's own pid counts as not running: a lock or folder naming it was left by an earlier life
 * of the same pid (pid 1 in a restarted container), since this process has not written it yet.
 */
export function otherProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
