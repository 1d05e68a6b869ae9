/** The Markdown the README shows: machine, then each scenario's table and targets. */
export function toMarkdown(report) {
  const m = report.machine;
  const lines = [
    `# Benchmark results (${report.scale} scale)`,
    '',
    `${m.date.slice(0, 10)} · ${m.cores} cores (${m.cpu}) · ${m.memoryGiB} GiB · Node ${m.node} · ${m.postgres}`,
    '',
  ];
  for (const scenario of report.scenarios) {
    lines.push(`## Scenario ${scenario.id}: ${scenario.title}`, '');
    if (scenario.error) {
      lines.push(`Failed: ${scenario.error}`, '');
      continue;
    }
    lines.push(`| ${scenario.columns.join(' | ')} |`, `|${scenario.columns.map(() => '---').join('|')}|`);
    for (const row of scenario.rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
    if (scenario.targets?.length) {
      lines.push('| target | wanted | measured | met |', '|---|---|---|---|');
      for (const t of scenario.targets) lines.push(`| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
      lines.push('');
    }
    for (const note of scenario.notes ?? []) lines.push(`- ${note}`);
    lines.push('', `Took ${scenario.seconds} s.`, '');
  }
  return `${lines.join('\n')}\n`;
}
