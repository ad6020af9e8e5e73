/** Global setup of the unit tier: says which Node runs the tests (the repo pins Node 22 through node_modules). */
export default function setup(): void {
  console.log(`[quotelab] tests run on Node ${process.version} (${process.execPath})`);
}
