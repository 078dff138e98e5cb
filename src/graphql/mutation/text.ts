import { UserInputError } from '../../errors.js';

/** Trimmed text of 1..max characters, or BAD_USER_INPUT naming the argument. */
export function requiredText(value: string, argumentName: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw new UserInputError(`"${argumentName}" must not be empty.`, argumentName);
  if (text.length > max)
    throw new UserInputError(`"${argumentName}" must be at most ${max} characters (got ${text.length}).`, argumentName);
  return text;
}
