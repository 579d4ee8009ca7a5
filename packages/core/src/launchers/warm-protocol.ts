// The few words a warm worker (worker.ts) and its pool (worker-pool.ts) share.

/** Set by the process launcher on a worker that runs several jobs in a row. */
export const WARM_WORKER_ENV = 'AERO_WARM_WORKER';

/** Written to stdout and stderr after each job of a warm worker: the job's output is complete. */
export const JOB_END_MARK = '\u001eaero:job-end';
