// A team of threads over one shared memory (the threads build, assembly/threaded.ts). Every thread
// runs the same training loop (SPMD); each kernel's *output* is split among them — forward by
// output units, node errors by input units, gradients by rows of dW, optimizer steps by parameter
// ranges — and every split falls on a multiple of 4 units, so each value takes the same code path
// and sums in the same order whatever the team's size: results are bit-identical for any count.
// Threads meet at barriers in shared memory; nothing crosses to the host per batch.
//
// In the single-threaded builds ASC_FEATURE_THREADS is false: teamSize() is 1, barrier() is
// `true`, and every split is the whole range, so those builds compile to what they were.

// The team block: i32 words at `team`, written by the host (src/backend/team.ts) and the threads.
export const J_GENERATION: i32 = 0; // bumped by the host for each job; idle workers wait on it
export const J_KIND: i32 = 1; //       what the job is (KIND_*)
export const J_THREADS: i32 = 2; //    threads taking part (the host's thread is thread 0)
export const J_ARRIVED: i32 = 3; //    threads at the current barrier
export const J_RELEASE: i32 = 4; //    barrier generation: bumped by the last thread to arrive
export const J_SLEEPERS: i32 = 5; //   threads blocked in a wait (the releaser notifies only then)
export const J_FAILED: i32 = 6; //     non-zero once a thread has failed: every barrier gives up
export const J_MIN_WORK: i32 = 7; //   multiply-adds per thread below which a kernel is not split
export const J_RESULT: i32 = 8; //     thread 0's result (trainBatches: batches completed)
export const J_ARGS: i32 = 9; //       the job's arguments, 7 words
export const J_LEFT: i32 = 16; //      workers that have left the job (the host waits for them after a failure)
export const TEAM_WORDS: i32 = 17;

export const KIND_TRAIN: i32 = 1; //    trainBatches(args 0..6)
export const KIND_EVALUATE: i32 = 2; // evaluateRows(args 0..5)
export const KIND_FORWARD: i32 = 3; //  forward(args 0..1)
export const KIND_EXIT: i32 = 4; //     workers leave their loop (host side only)

// Per instance (each thread has its own instance over the shared memory), set by joinTeam().
let team: usize = 0;
let threadIndex: i32 = 0;
let threadCount: i32 = 1; // of the running job; 1 outside jobs, so direct kernel calls run alone
let minWork: f64 = 0;
let mayBlock: bool = false; // a browser's main thread must never block: it spins

// Spins before a thread blocks at a barrier: a barrier of balanced work is usually met in
// microseconds, well under the cost of sleeping and being woken.
const SPINS: i32 = 200000;
// A blocked thread wakes at least this often (ns) to look at J_FAILED.
const WAKE_NS: i64 = 2_000_000;

@inline function word(w: i32): usize {
  return team + (<usize>w << 2);
}

/** Address of team-block word `w`. */
export function teamWord(w: i32): usize {
  return word(w);
}

@inline export function thisThread(): i32 {
  return ASC_FEATURE_THREADS ? threadIndex : 0;
}

@inline export function teamSize(): i32 {
  return ASC_FEATURE_THREADS ? threadCount : 1;
}

/**
 * Called once by each thread's instance: where the team block is, which thread this is, whether it
 * may block. Also outside any job again (the host calls it after a job that trapped, whose
 * endJob() never ran, so that direct kernel calls run alone).
 */
export function joinTeam(block: usize, index: i32, canBlock: i32): void {
  team = block;
  threadIndex = index;
  mayBlock = canBlock != 0;
  threadCount = 1;
}

/** Sets the job's team size (every thread, at the start of a job) and back to 1 after it. */
export function beginJob(): void {
  if (!ASC_FEATURE_THREADS) return;
  threadCount = atomic.load<i32>(word(J_THREADS));
  minWork = <f64>atomic.load<i32>(word(J_MIN_WORK));
}

export function endJob(): void {
  if (!ASC_FEATURE_THREADS) return;
  threadCount = 1;
}

/**
 * Waits until every thread of the job has arrived. Returns false when a thread has failed (the
 * job must then return at once; the host reports the failure).
 */
@inline export function barrier(): bool {
  if (!ASC_FEATURE_THREADS) return true; // (inlined: nothing at all in the single-threaded builds)
  return threadCount == 1 || meet();
}

function meet(): bool {
  const release = atomic.load<i32>(word(J_RELEASE));
  if (atomic.add<i32>(word(J_ARRIVED), 1) == threadCount - 1) {
    atomic.store<i32>(word(J_ARRIVED), 0);
    atomic.store<i32>(word(J_RELEASE), release + 1);
    if (atomic.load<i32>(word(J_SLEEPERS)) > 0) atomic.notify(word(J_RELEASE), threadCount);
    return atomic.load<i32>(word(J_FAILED)) == 0;
  }
  let spins = 0;
  while (atomic.load<i32>(word(J_RELEASE)) == release) {
    if (atomic.load<i32>(word(J_FAILED)) != 0) return false;
    if (mayBlock && ++spins > SPINS) {
      atomic.add<i32>(word(J_SLEEPERS), 1);
      memory.atomic.wait32(word(J_RELEASE), release, WAKE_NS);
      atomic.sub<i32>(word(J_SLEEPERS), 1);
    }
  }
  return atomic.load<i32>(word(J_FAILED)) == 0;
}

/**
 * This thread's share of units [0, n): whole blocks of 4 units, split evenly among as many threads
 * as have at least J_MIN_WORK multiply-adds each (`workPerUnit` per unit); the others get nothing.
 * Returned as begin | end << 32.
 */
@inline export function share(n: i32, workPerUnit: f64): i64 {
  if (!ASC_FEATURE_THREADS) return <i64>n << 32;
  return threadCount == 1 ? <i64>n << 32 : shareOf(n, workPerUnit);
}

function shareOf(n: i32, workPerUnit: f64): i64 {
  const threads = threadCount;
  const blocks = (n + 3) >> 2;
  let active = min(threads, blocks);
  const total = <f64>n * workPerUnit;
  if (minWork > 0) active = min(active, max(1, <i32>(total / minWork)));
  const t = thisThread();
  if (t >= active) return 0;
  const begin = <i32>((<i64>blocks * t) / active) << 2;
  const end = min(n, <i32>((<i64>blocks * (t + 1)) / active) << 2);
  return <i64>begin | (<i64>end << 32);
}

@inline export function shareBegin(range: i64): i32 {
  return <i32>(range & 0xFFFFFFFF);
}

@inline export function shareEnd(range: i64): i32 {
  return <i32>(range >>> 32);
}

/** Thread 0 does the serial parts (loss sums, checks, metrics); the others wait at the next barrier. */
@inline export function leader(): bool {
  return thisThread() == 0;
}
