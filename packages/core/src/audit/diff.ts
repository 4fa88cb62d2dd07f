import { createTwoFilesPatch } from "diff";

/** A git-style unified diff between two YAML texts (empty text for a version that does not exist). */
export function unifiedDiff(path: string, from: { label: string; text: string }, to: { label: string; text: string }): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, from.text, to.text, from.label, to.label, { context: 3 });
}
