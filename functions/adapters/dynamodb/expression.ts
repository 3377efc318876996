/**
 * Builds DynamoDB expressions with placeholders made on first use: DynamoDB refuses a request
 * that declares a name or value its expressions do not use.
 */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly aliases = new Map<string, string>();
  private n = 0;

  /** The placeholder of an attribute name (one per attribute). */
  name(attribute: string): string {
    let key = this.aliases.get(attribute);
    if (!key) {
      key = `#n${this.n++}`;
      this.aliases.set(attribute, key);
      this.names[key] = attribute;
    }
    return key;
  }

  /** A fresh placeholder for a value. */
  value(v: unknown): string {
    const key = `:v${this.n++}`;
    this.values[key] = v;
    return key;
  }

  /** Names and values for a command, leaving out what is empty. */
  attributes() {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
