// The unit project alone: Stryker's Jest runner cannot pass --selectProjects (npm run mutation).
// All of it, webhook-handlers.test.ts included: its batch tests no longer depend on two attempts
// meeting in a timing window (side-by-side attempts are answered together), so Stryker's initial
// run passes with it under instrumentation on this shared machine.
import config from './jest.config.mjs';

const unit = config.projects.find((project) => project.displayName === 'unit');
export default { ...unit, testTimeout: config.testTimeout };
