import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on Node 22 or later (the repo brings Node 22 through node_modules, whatever the system Node is)', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(major, `running on ${process.version} at ${process.execPath}`).toBeGreaterThanOrEqual(22);
  });
});
