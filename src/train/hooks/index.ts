export {
  callHooks, RunContext, StopAtStepHook, TimeLimitHook, LoggingHook, CheckpointSaverHook, SummarySaverHook, EarlyStoppingHook,
  writeSummaries, SUMMARY_FILE, type Hook, type HookContext, type RunValues, type SummaryRecord, type EarlyStoppingOptions,
} from './hooks.ts';
