import type { TFunction } from 'i18next';
import type { Language } from './http/i18n.js';
import type { Role } from './users/user.js';

declare global {
  namespace Express {
    interface User {
      id: number;
      role: Role;
      displayName: string;
      email: string | null;
      username: string | null;
      locale: string | null;
      /** The structure the account belongs to; null for the platform admin and a network coordinator. */
      structureId: number | null;
      /** A coordinator's network. */
      networkId: number | null;
    }
    interface Request {
      lang: Language;
      t: TFunction;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: { kind: 'notice' | 'alert'; message: string; values?: Record<string, string> }[];
    revealCode?: { userId: number; code: string; expiresAt: string };
  }
}
