// Start a task by hand. The Idempotency-Key is fixed per form, so a double
// submit or a retried request creates one task.
import { useState, type FormEvent } from "react";
import { useLocation } from "wouter";
import { CLI_NAMES, type CliName } from "../../../core/names";
import { useApi } from "../auth/session";
import { errorText } from "../components/states";

/** The skills shipped in skills/; the field accepts any other name the Worker knows. */
export const KNOWN_SKILLS = ["answer-question", "fix-sentry-issue", "implement-issue", "review-pull-request", "triage-jira-ticket"];

function newKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function NewTaskPage() {
  const api = useApi();
  const [, navigate] = useLocation();
  const [repository, setRepository] = useState("");
  const [prompt, setPrompt] = useState("");
  const [cli, setCli] = useState<"" | CliName>("");
  const [skill, setSkill] = useState("");
  const [key] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.createTask(
        { repository: repository.trim(), prompt, cli: cli || undefined, skill: skill.trim() || undefined },
        key,
      );
      navigate(`/tasks/${encodeURIComponent(created.id)}`);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  }

  return (
    <section className="page narrow" aria-labelledby="new-task-title">
      <h1 id="new-task-title">New task</h1>
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="task-repository">Repository</label>
          <input
            id="task-repository"
            required
            placeholder="owner/name"
            pattern="[\w.\-]+/[\w.\-]+"
            title="owner/name"
            value={repository}
            onChange={(event) => setRepository(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="task-prompt">Prompt</label>
          <textarea
            id="task-prompt"
            required
            rows={8}
            maxLength={16000}
            value={prompt}
            onChange={(event) => setPrompt(event.target.value)}
          />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="task-cli">CLI</label>
            <select id="task-cli" value={cli} onChange={(event) => setCli(event.target.value as "" | CliName)}>
              <option value="">Default</option>
              {CLI_NAMES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="task-skill">Skill</label>
            <input
              id="task-skill"
              list="known-skills"
              placeholder="none"
              pattern="[a-z0-9\-]+"
              title="lower-case letters, digits and dashes"
              value={skill}
              onChange={(event) => setSkill(event.target.value)}
            />
            <datalist id="known-skills">
              {KNOWN_SKILLS.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </div>
        </div>
        {error && (
          <p className="form-error" role="alert">
            Could not create the task: {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Creating…" : "Create task"}
        </button>
      </form>
    </section>
  );
}
