/**
 * Everything the benchmark starts (the PostgreSQL cluster, child servers, temporary folders)
 * registers how to undo it here, so a run that ends, fails or is interrupted (Ctrl-C,
 * SIGTERM) leaves nothing behind.
 *
 * Contract: `cleanUp` runs every registered step once, newest first (a child server stops
 * before the cluster it talks to), and never throws: a failing step is reported and the
 * next one still runs.
 */
type Step = { readonly name: string; readonly run: () => Promise<void> | void };

const steps: Step[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** True once a signal asked the run to stop: start nothing new. */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * Registers a clean-up step; the returned function runs it early (and unregisters it).
 * After an interruption, the step runs at once: whatever was just started is undone.
 */
export function onCleanUp(name: string, run: () => Promise<void> | void): () => Promise<void> {
  if (interrupted) {
    void Promise.resolve()
      .then(run)
      .catch(() => undefined);
    return async () => undefined;
  }
  const step: Step = { name, run };
  steps.push(step);
  return async () => {
    const index = steps.indexOf(step);
    if (index < 0) return;
    steps.splice(index, 1);
    await step.run();
  };
}

function cleanUp(): Promise<void> {
  // A connection cut by a step (the cluster stopping under an open client) raises an
  // 'error' event nobody listens to any more: report it, and let the next steps run.
  const survive = (error: unknown) =>
    console.error(`during clean-up: ${error instanceof Error ? error.message : String(error)}`);
  cleaning ??= (async () => {
    process.on('uncaughtException', survive);
    while (steps.length > 0) {
      const step = steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        console.error(`clean-up "${step.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })().finally(() => {
    process.off('uncaughtException', survive);
    cleaning = undefined;
  });
  return cleaning;
}

/**
 * A harness's entry: cleans up on signals, runs `main`, cleans up, and exits with main's code
 * (0 when it returns nothing), or 1 with the error when it throws.
 */
export function runHarness(main: () => Promise<number | void>): void {
  cleanUpOnSignals();
  main()
    .then(async (code) => {
      await cleanUp();
      process.exit(code ?? 0);
    })
    .catch(async (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      await cleanUp();
      process.exit(1);
    });
}

/** On SIGINT / SIGTERM: clean up, then exit with the conventional code. */
function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping child servers and the PostgreSQL cluster…`);
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
