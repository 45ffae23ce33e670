/**
 * What a destination asks of a young French traveller, as a starting point: the worker checks the
 * consulate's current rules and adjusts them per group (consular rules change; these do not update
 * themselves). Keyed by ISO 3166-1 alpha-2 code; a country not listed gets DEFAULT_RULES.
 */
export interface DestinationRules {
  /** A visa must be obtained before leaving. */
  visa: boolean;
  /** How many days before the departure the visa application should be made at the latest. */
  visaLeadDays: number;
  /** Health papers the destination requires at the border. */
  health: 'yellow_fever' | null;
  /** How many months the passport must still be valid after the return date. */
  passportMonths: number;
  /** A national identity card is enough (no passport needed). */
  idCardAccepted: boolean;
}

export const DEFAULT_RULES: DestinationRules = { visa: false, visaLeadDays: 60, health: null, passportMonths: 6, idCardAccepted: false };

const rules = (r: Partial<DestinationRules>): DestinationRules => ({ ...DEFAULT_RULES, ...r });

// Within the EU, the EEA, Switzerland and the micro-states around them, a French ID card valid for the
// whole stay is enough.
const ID_CARD_COUNTRIES = 'AT BE BG HR CY CZ DK EE FI DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH AD MC SM VA'.split(' ');

const WEST_AND_CENTRAL_AFRICA_WITH_YELLOW_FEVER = 'CI BJ TG NE GH CG CD CF GA GW BI LR'.split(' ');

export const DESTINATIONS: Record<string, DestinationRules> = {
  ...Object.fromEntries(ID_CARD_COUNTRIES.map((c) => [c, rules({ idCardAccepted: true, passportMonths: 0 })])),
  ...Object.fromEntries(WEST_AND_CENTRAL_AFRICA_WITH_YELLOW_FEVER.map((c) => [c, rules({ visa: true, visaLeadDays: 45, health: 'yellow_fever' })])),
  // The destinations of the proceedings (DOMAIN.md): Mali, Burkina Faso, Cameroon need a visa and the
  // yellow fever vaccination; Algeria a visa, often slow to come; Morocco, Tunisia and Senegal neither.
  ML: rules({ visa: true, visaLeadDays: 60, health: 'yellow_fever' }),
  BF: rules({ visa: true, visaLeadDays: 60, health: 'yellow_fever' }),
  CM: rules({ visa: true, visaLeadDays: 60, health: 'yellow_fever' }),
  DZ: rules({ visa: true, visaLeadDays: 90 }),
  MA: rules({}),
  TN: rules({}),
  SN: rules({}),
  MG: rules({ visa: true, visaLeadDays: 30 }),
};

export function destinationRules(country: string | null | undefined): DestinationRules {
  return (country && DESTINATIONS[country.toUpperCase()]) || DEFAULT_RULES;
}
