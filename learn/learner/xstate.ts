/**
 * A learned model as an XState machine config: one state per model state (`s0` initial), one event per input
 * symbol, each transition carrying the peer's answer as its `meta.output` and in its `description`
 * (`input / output`). `createMachine(config)` takes it as it is, so the Stately inspector (and anything that draws
 * XState machines) draws the learned model as it draws our own charts.
 */
import type { MealyMachine } from './mealy.js';

export interface LearnedTransitionConfig {
  readonly target: string;
  readonly description: string;
  readonly meta: { readonly input: string; readonly output: string };
}

export interface LearnedMachineConfig {
  readonly id: string;
  readonly initial: 's0';
  readonly description: string;
  readonly states: Readonly<Record<string, { readonly on: Readonly<Record<string, LearnedTransitionConfig>> }>>;
}

export function modelToXState(model: MealyMachine, id = 'learned'): LearnedMachineConfig {
  const states: Record<string, { on: Record<string, LearnedTransitionConfig> }> = {};
  model.next.forEach((row, s) => {
    const on: Record<string, LearnedTransitionConfig> = {};
    row.forEach((t, i) => {
      const input = model.inputs[i]!;
      const output = model.output[s]![i]!;
      on[input] = { target: `s${t}`, description: `${input} / ${output}`, meta: { input, output } };
    });
    states[`s${s}`] = { on };
  });
  return {
    id,
    initial: 's0',
    description: `a learned Mealy machine: ${model.next.length} states, ${model.inputs.length} inputs`,
    states,
  };
}
