// A task's page in the dashboard (its live log), linked from vendor threads and the graph.
export function dashboardUrl(config: { DASHBOARD_URL: string }, taskId: string): string {
  return `${config.DASHBOARD_URL.replace(/\/+$/, "")}/tasks/${encodeURIComponent(taskId)}`;
}
