// Build-time settings. VITE_API_BASE_URL points the dashboard at a Worker on
// another origin (e.g. https://agent-bot.example.workers.dev); empty means the
// page's own origin, which is what `npm run dev` (the Vite proxy) and a
// same-origin deployment use.
export const API_BASE_URL: string = (import.meta.env.VITE_API_BASE_URL ?? "").trim().replace(/\/+$/, "");
