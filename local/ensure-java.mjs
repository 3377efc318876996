// DynamoDB Local is a Java program: say so in one line, before anything else fails less clearly.
import { spawnSync } from 'node:child_process';

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
if (java.error || java.status !== 0) {
  console.error(
    'Java 17+ is required for DynamoDB Local: install a JRE (e.g. apt-get install openjdk-17-jre-headless) and retry.',
  );
  process.exit(1);
}
