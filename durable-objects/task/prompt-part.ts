// A part of the prompt a module other than prompt.ts writes (the pull request's, the review's).

/** The prompt's part about the pull request (see buildPrompt). */
export interface PullRequestPrompt {
  lines: string[];
  /** Whether the lines hold fenced untrusted text (the prompt then explains fences). */
  fenced: boolean;
  /** Replaces the prompt's closing instructions (read-only runs). */
  finish?: string[];
}
