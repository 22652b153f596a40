// The CLIs a run can ask for, by the protocol's name.
import type { CliName } from "../../core/names";
import type { CliAdapter } from "./cli-adapter";
import { claudeCli } from "./cli-claude";
import { cursorCli } from "./cli-cursor";

const ADAPTERS: Record<CliName, CliAdapter> = { claude: claudeCli, cursor: cursorCli };

export function cliAdapter(name: CliName): CliAdapter {
  return ADAPTERS[name];
}
