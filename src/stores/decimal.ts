/** Exact decimal arithmetic: the Decimal that Prisma returns for DECIMAL columns. */
import { Prisma } from './cold/generated/client.js';

export const DecimalNumber = Prisma.Decimal;
