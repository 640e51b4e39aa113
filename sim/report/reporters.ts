import { HtmlReporter } from './html-reporter.js';
import { JsonReporter } from './json-reporter.js';
import { JunitReporter } from './junit-reporter.js';
import { MarkdownReporter } from './markdown-reporter.js';
import type { Reporter } from './reporter.js';

/** Every report format by name. */
export const reporterClasses = {
  json: JsonReporter,
  junit: JunitReporter,
  markdown: MarkdownReporter,
  html: HtmlReporter,
} as const;

/** One of each format, report.json first. */
export function defaultReporters(): Reporter[] {
  return Object.values(reporterClasses).map((R) => new R());
}
