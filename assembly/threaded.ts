// The threads build's entry: every export of index.ts, plus what a team needs (team.ts). Built
// with shared, imported memory (asconfig.json "threads", "threads-fma"); each thread instantiates
// it over the same memory, calls joinTeam() and useScratch() once, then runJob() per job.
export * from "./index";
export { joinTeam, TEAM_WORDS, KIND_TRAIN, KIND_EVALUATE, KIND_FORWARD, KIND_EXIT } from "./team";
export { useScratch, THREAD_SCRATCH_BYTES } from "./scratch";
import {
  beginJob, endJob, barrier, leader, thisThread, teamSize, teamWord,
  J_KIND, J_ARGS, J_RESULT, J_LEFT, KIND_TRAIN, KIND_EVALUATE, KIND_FORWARD,
} from "./team";
import { trainBatches, evaluateRows } from "./train";
import { forwardLayers } from "./network";

@inline function arg(k: i32): i32 {
  return load<i32>(teamWord(J_ARGS + k));
}

/** Runs the job in the team block as this thread; thread 0's result goes to J_RESULT. */
export function runJob(): i32 {
  beginJob();
  if (thisThread() >= teamSize()) { endJob(); return 0; } // a thread the job does not count on
  const kind = load<i32>(teamWord(J_KIND));
  let result = 0;
  if (kind == KIND_TRAIN) result = trainBatches(arg(0), arg(1), arg(2), arg(3), arg(4), arg(5), arg(6));
  else if (kind == KIND_EVALUATE) evaluateRows(arg(0), arg(1), arg(2), arg(3), arg(4), arg(5));
  else if (kind == KIND_FORWARD) forwardLayers(arg(0), arg(1));
  // Every thread is done before thread 0 returns to its host (or the team has failed).
  barrier();
  if (leader()) store<i32>(teamWord(J_RESULT), result);
  else atomic.add<i32>(teamWord(J_LEFT), 1); // after a failure the host waits for this before it restores anything
  endJob();
  return result;
}
