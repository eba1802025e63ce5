/** Whether a chart handles an event type in a state (its own `on`, or the chart's root `on`). */
export function chartHandles(chart: { readonly on?: object; readonly states: object }, state: string, eventType: string): boolean {
  const node = (chart.states as Record<string, { readonly on?: object; readonly type?: string }>)[state];
  if (!node || node.type === 'final') return false;
  return (node.on !== undefined && eventType in node.on) || (chart.on !== undefined && eventType in chart.on);
}
