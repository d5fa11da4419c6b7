// The ordered incoming-message pipeline (DESIGN.md: dedupe → decrypt → correction/retraction/reaction
// → store → notify). Features plug in as named stages with a declared position instead of ad-hoc
// listeners (Dino's `action_group` idea). A stage returns false to stop the message there.
export interface Stage<Ctx> {
  name: string;
  /** Stages run in ascending order; equal orders run in registration order. */
  order: number;
  run(ctx: Ctx): Promise<boolean | void> | boolean | void;
}

export const ORDER = { parse: 100, dedupe: 200, decrypt: 300, modify: 400, store: 500, notify: 600 } as const;

export function createPipeline<Ctx>() {
  const stages: Stage<Ctx>[] = [];
  return {
    use(stage: Stage<Ctx>) {
      stages.push(stage);
      stages.sort((a, b) => a.order - b.order);
    },
    /** Runs the stages in order; resolves to the name of the stage that stopped it, if any. */
    async run(ctx: Ctx): Promise<string | undefined> {
      for (const s of stages) {
        if ((await s.run(ctx)) === false) return s.name;
      }
      return undefined;
    },
    names: () => stages.map((s) => s.name),
  };
}
