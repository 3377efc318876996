// The unit project alone: Stryker's Jest runner cannot pass --selectProjects (npm run mutation).
import config from './jest.config.mjs';

const unit = config.projects.find((project) => project.displayName === 'unit');
export default { ...unit, testTimeout: config.testTimeout };
