// Hostile: a compile-time attack. The preprocessor is asked to include /dev/zero, an endless file of NUL
// bytes that it reads into memory to the end. The compiler's memory must run out (its address-space limit,
// or the kernel's OOM killer, which takes cc1plus at oom_score_adj 1000 and never the agent) and the run
// end as a compile error, promptly, with the executor unharmed; a compile killed for memory depends on the
// load of the moment, so it must be reported as a memory limit and never cached as the source's verdict.
// expect: compile_error
// compile: memory_limit_exceeded
// max-time-ms: 20000
#include </dev/zero>
