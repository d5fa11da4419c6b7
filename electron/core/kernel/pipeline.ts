// The ordered incoming-message pipeline (ARCHITECTURE.md: dedupe → decrypt → correction/retraction/reaction
// → store → notify). Features plug in as named stages with a declared position instead of ad-hoc
// listeners (Dino's `action_group` idea). Stages before ORDER.store may be asynchronous (decryption,
// look-ups); stages from ORDER.store on run synchronously inside ONE database transaction per batch —
// a live stanza is a batch of one, an archive page is one batch — so a page is stored whole or not
// at all, and notification happens once per batch after the commit.
export interface Stage<Ctx> {
  name: string;
  order: number;
  /** Return false to stop this message here (duplicate, forged, not for us…). */
  run(ctx: Ctx): Promise<boolean | void> | boolean | void;
  /**
   * For a stage before ORDER.store whose run() changed state that must be stored with the batch
   * (OMEMO: the ratchet step that decrypted the message). Called inside the batch's transaction for
   * every message this stage ran on, kept or stopped later, so the state and the messages are
   * committed together or not at all.
   */
  commit?(ctx: Ctx): void;
  /** The batch's transaction failed: forget what run() prepared for commit(). */
  rollback?(ctx: Ctx): void;
}

export const ORDER = { decrypt: 97, parse: 100, dedupe: 200, modify: 400, store: 500 } as const;

/** Thrown when the batch's database transaction failed: nothing of the batch was stored. */
export class CommitFailure extends Error {
  constructor(cause: unknown) {
    super(`storing failed: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'CommitFailure';
  }
}

export function createPipeline<Ctx>(transaction: (fn: () => void) => void, onStageError: (stage: string, err: unknown) => void = () => {}) {
  const stages: Stage<Ctx>[] = [];
  const prepare = () => stages.filter((s) => s.order < ORDER.store);
  const commit = () => stages.filter((s) => s.order >= ORDER.store);
  return {
    use(stage: Stage<Ctx>) {
      stages.push(stage);
      stages.sort((a, b) => a.order - b.order);
    },
    /** Runs a batch; resolves to the contexts that went all the way through (in input order). */
    async run(batch: Ctx[]): Promise<Ctx[]> {
      const ready: Ctx[] = [];
      /** Stages with commit/rollback that ran on a message: [stage, ctx]. */
      const prepared: [Stage<Ctx>, Ctx][] = [];
      for (const ctx of batch) {
        let go = true;
        for (const s of prepare()) {
          if (s.commit || s.rollback) prepared.push([s, ctx]);
          try {
            if ((await s.run(ctx)) === false) {
              go = false;
              break;
            }
          } catch (err) {
            // A bug or a hostile stanza affects that one message, not the stream: it is reported and
            // skipped (redelivering it would only fail again).
            onStageError(s.name, err);
            go = false;
            break;
          }
        }
        if (go) ready.push(ctx);
      }
      const done: Ctx[] = [];
      try {
        runCommit();
      } catch (err) {
        for (const [s, ctx] of prepared) s.rollback?.(ctx);
        throw new CommitFailure(err);
      }
      return done;

      function runCommit() {
        transaction(() => {
        for (const [s, ctx] of prepared) s.commit?.(ctx);
        for (const ctx of ready) {
          let go = true;
          for (const s of commit()) {
            const r = s.run(ctx);
            if (r instanceof Promise) throw new Error(`stage ${s.name} must be synchronous: it runs inside the transaction`);
            if (r === false) {
              go = false;
              break;
            }
          }
          if (go) done.push(ctx);
        }
        });
      }
    },
    names: () => stages.map((s) => s.name),
  };
}
