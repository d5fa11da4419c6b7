// The ordered incoming-message pipeline (ARCHITECTURE.md "The message pipeline"). Features plug in as
// named stages; where each runs is decided here, in one table, not by the feature (Dino's `action_group`
// idea). Stages before `store` may be asynchronous (decryption, look-ups); stages from `store` on run
// synchronously inside ONE database transaction per batch — a live stanza is a batch of one, an archive
// page is one batch — so a page is stored whole or not at all, and notification happens once per batch
// after the commit.
import { errorMessage } from '../../lib/error-message.js';

/**
 * The receive pipeline's stages in the order they run. `use()` refuses a stage that is not listed here,
 * and `assertComplete()` (called when the core starts) fails for a name listed without a stage.
 */
export const RECEIVE_STAGES = [
  'unwrap', // messages/ingest: carbons (XEP-0280) and archive results (XEP-0313) become the inner message
  'read-sync', // messages/read-sync: displayed markers from the user's other devices (XEP-0490)
  'room-invitations', // rooms/room-invites: mediated and direct invitations (XEP-0045, XEP-0249)
  'receipts-errors', // messages/receipts: delivery receipts (XEP-0184) and bounced messages, before body-less ones are dropped
  'chat-markers', // messages/chat-markers: XEP-0333 markers from the contact
  'groupchat', // rooms/message-stages: room messages, subjects and their archive results
  'room-private', // rooms/message-stages: private messages through a room (XEP-0045 §7.5)
  'omemo-decrypt', // omemo/omemo-messages: decryption runs after the room stages
  'parse', // messages/ingest: a message with a body for a 1:1 chat or a room
  'omemo-plaintext-warning', // omemo/omemo-messages: plain text in an encrypted chat is flagged
  'retraction', // messages/retraction: a retraction request is recognised (XEP-0424)
  'store', // messages/ingest: first stage inside the batch's transaction
  'retraction-apply', // messages/retraction: applied after the retracted message may have been stored
  'chat-markers-stored', // messages/chat-markers: markers that point at messages just stored
  'archive-pointer', // sync/sync: the last archive id of the 1:1 archive
  'room-archive-pointer', // rooms/message-stages: the last archive id of a room's archive
] as const;

export type StageName = (typeof RECEIVE_STAGES)[number];

/** The first stage that runs inside the batch's transaction. */
export const FIRST_COMMIT_STAGE = 'store';

export interface Stage<Ctx, Name extends string = StageName> {
  name: Name;
  /** Return false to stop this message here (duplicate, forged, not for us…). */
  run(ctx: Ctx): Promise<boolean | void> | boolean | void;
  /**
   * For a stage before the first commit stage whose run() changed state that must be stored with the
   * batch (OMEMO: the ratchet step that decrypted the message). Called inside the batch's transaction
   * for every message this stage ran on, kept or stopped later, so the state and the messages are
   * committed together or not at all.
   */
  commit?(ctx: Ctx): void;
  /** The batch's transaction failed: forget what run() prepared for commit(). */
  rollback?(ctx: Ctx): void;
}

/** Thrown when the batch's database transaction failed: nothing of the batch was stored. */
export class CommitFailure extends Error {
  constructor(cause: unknown) {
    super(`storing failed: ${errorMessage(cause)}`, { cause });
    this.name = 'CommitFailure';
  }
}

export interface PipelineOptions<Name extends string> {
  /** The stage names in order (default: RECEIVE_STAGES). */
  table?: readonly Name[];
  /** The first stage inside the batch's transaction (default: 'store'). */
  firstCommitStage?: Name;
  onStageError?: (stage: string, err: unknown) => void;
}

export function createPipeline<Ctx, Name extends string = StageName>(
  transaction: (fn: () => void) => void,
  opts: PipelineOptions<Name> = {},
) {
  const table = (opts.table ?? RECEIVE_STAGES) as readonly Name[];
  const firstCommit = table.indexOf((opts.firstCommitStage ?? FIRST_COMMIT_STAGE) as Name);
  if (firstCommit < 0) throw new Error(`pipeline: the first commit stage is not in the table`);
  const onStageError = opts.onStageError ?? (() => {});
  const stages: Stage<Ctx, Name>[] = [];
  const position = (s: Stage<Ctx, Name>) => table.indexOf(s.name);
  const prepare = () => stages.filter((s) => position(s) < firstCommit);
  const commit = () => stages.filter((s) => position(s) >= firstCommit);
  return {
    use(stage: Stage<Ctx, Name>) {
      if (position(stage) < 0) throw new Error(`pipeline: stage "${stage.name}" is not in the stage table`);
      if (stages.some((s) => s.name === stage.name)) throw new Error(`pipeline: stage "${stage.name}" is installed twice`);
      stages.push(stage);
      stages.sort((a, b) => position(a) - position(b));
    },
    /** Start-up check: every name in the table has its stage. */
    assertComplete() {
      const missing = table.filter((n) => !stages.some((s) => s.name === n));
      if (missing.length) throw new Error(`pipeline: no stage installed for ${missing.join(', ')}`);
    },
    /** Runs a batch; resolves to the contexts that went all the way through (in input order). */
    async run(batch: Ctx[]): Promise<Ctx[]> {
      const ready: Ctx[] = [];
      /** Stages with commit/rollback that ran on a message: [stage, ctx]. */
      const prepared: [Stage<Ctx, Name>, Ctx][] = [];
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
    names: (): Name[] => stages.map((s) => s.name),
  };
}
