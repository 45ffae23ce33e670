import type { Coordinates } from './distance-band.js';

/**
 * Where a trip starts and ends, for its Erasmus+ distance band: committed tables, no geocoding service (a
 * youth's project must not depend on one, nor send it where they go). The band only needs the town to
 * within a few kilometres.
 */
export interface Place extends Coordinates {
  name: string;
}

const place = ([name, lat, lon]: [string, number, number]): Place => ({ name, lat, lon });

/** Town names compared without case, accents, hyphens or apostrophes: "saint-etienne" is "Saint-Étienne". */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-'’.]/g, ' ')
    .replace(/\bst\b/g, 'saint')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The prefecture of every French department (mainland, Corsica, overseas), and the towns of the
 * structures the app knows of in the Nord and the Pas-de-Calais: a structure's town (its settings) is
 * looked up here. A town missing from the list leaves the band unknown, which the group page says.
 */
const FRENCH_TOWNS: Place[] = ([
  ['Bourg-en-Bresse', 46.21, 5.23], ['Laon', 49.56, 3.62], ['Moulins', 46.57, 3.33], ['Digne-les-Bains', 44.09, 6.24],
  ['Gap', 44.56, 6.08], ['Nice', 43.70, 7.27], ['Privas', 44.74, 4.60], ['Charleville-Mézières', 49.77, 4.72],
  ['Foix', 42.97, 1.61], ['Troyes', 48.30, 4.08], ['Carcassonne', 43.21, 2.35], ['Rodez', 44.35, 2.57],
  ['Marseille', 43.30, 5.37], ['Caen', 49.18, -0.37], ['Aurillac', 44.93, 2.44], ['Angoulême', 45.65, 0.16],
  ['La Rochelle', 46.16, -1.15], ['Bourges', 47.08, 2.40], ['Tulle', 45.27, 1.77], ['Ajaccio', 41.92, 8.74],
  ['Bastia', 42.70, 9.45], ['Dijon', 47.32, 5.04], ['Saint-Brieuc', 48.51, -2.76], ['Guéret', 46.17, 1.87],
  ['Périgueux', 45.18, 0.72], ['Besançon', 47.24, 6.02], ['Valence', 44.93, 4.89], ['Évreux', 49.02, 1.15],
  ['Chartres', 48.45, 1.49], ['Quimper', 48.00, -4.10], ['Nîmes', 43.84, 4.36], ['Toulouse', 43.60, 1.44],
  ['Auch', 43.65, 0.59], ['Bordeaux', 44.84, -0.58], ['Montpellier', 43.61, 3.88], ['Rennes', 48.11, -1.68],
  ['Châteauroux', 46.81, 1.69], ['Tours', 47.39, 0.69], ['Grenoble', 45.19, 5.72], ['Lons-le-Saunier', 46.67, 5.55],
  ['Mont-de-Marsan', 43.89, -0.50], ['Blois', 47.59, 1.33], ['Saint-Étienne', 45.44, 4.39], ['Le Puy-en-Velay', 45.04, 3.89],
  ['Nantes', 47.22, -1.55], ['Orléans', 47.90, 1.91], ['Cahors', 44.45, 1.44], ['Agen', 44.20, 0.62],
  ['Mende', 44.52, 3.50], ['Angers', 47.47, -0.55], ['Saint-Lô', 49.12, -1.09], ['Châlons-en-Champagne', 48.96, 4.36],
  ['Chaumont', 48.11, 5.14], ['Laval', 48.07, -0.77], ['Nancy', 48.69, 6.18], ['Bar-le-Duc', 48.77, 5.16],
  ['Vannes', 47.66, -2.76], ['Metz', 49.12, 6.18], ['Nevers', 46.99, 3.16], ['Lille', 50.63, 3.06],
  ['Beauvais', 49.43, 2.08], ['Alençon', 48.43, 0.09], ['Arras', 50.29, 2.78], ['Clermont-Ferrand', 45.78, 3.08],
  ['Pau', 43.30, -0.37], ['Tarbes', 43.23, 0.08], ['Perpignan', 42.70, 2.90], ['Strasbourg', 48.57, 7.75],
  ['Colmar', 48.08, 7.36], ['Lyon', 45.76, 4.84], ['Vesoul', 47.62, 6.15], ['Mâcon', 46.31, 4.83],
  ['Le Mans', 48.00, 0.20], ['Chambéry', 45.56, 5.92], ['Annecy', 45.90, 6.13], ['Paris', 48.86, 2.35],
  ['Rouen', 49.44, 1.10], ['Melun', 48.54, 2.66], ['Versailles', 48.80, 2.13], ['Niort', 46.32, -0.46],
  ['Amiens', 49.89, 2.30], ['Albi', 43.93, 2.15], ['Montauban', 44.02, 1.35], ['Toulon', 43.12, 5.93],
  ['Avignon', 43.95, 4.81], ['La Roche-sur-Yon', 46.67, -1.43], ['Poitiers', 46.58, 0.34], ['Limoges', 45.83, 1.26],
  ['Épinal', 48.17, 6.45], ['Auxerre', 47.80, 3.57], ['Belfort', 47.64, 6.86], ['Évry-Courcouronnes', 48.63, 2.44],
  ['Nanterre', 48.89, 2.21], ['Bobigny', 48.91, 2.44], ['Créteil', 48.79, 2.46], ['Cergy', 49.04, 2.06],
  ['Basse-Terre', 16.00, -61.73], ['Fort-de-France', 14.60, -61.07], ['Cayenne', 4.94, -52.33], ['Saint-Denis', -20.88, 55.45],
  ['Mamoudzou', -12.78, 45.23],
  // The Nord and the Pas-de-Calais beyond their prefectures: where the proceedings' structures are.
  ['Douai', 50.37, 3.08], ['Halluin', 50.78, 3.13], ['Le Portel', 50.71, 1.57], ['Roubaix', 50.69, 3.17],
  ['Tourcoing', 50.72, 3.16], ['Valenciennes', 50.36, 3.52], ['Maubeuge', 50.28, 3.97], ['Avesnes-sur-Helpe', 50.12, 3.93],
  ['Cambrai', 50.18, 3.24], ['Dunkerque', 51.03, 2.38], ['Calais', 50.95, 1.86], ['Boulogne-sur-Mer', 50.73, 1.61],
  ['Lens', 50.43, 2.83], ['Béthune', 50.53, 2.64], ['Villeneuve-d’Ascq', 50.62, 3.15], ['Saint-Omer', 50.75, 2.25],
  ['Somain', 50.36, 3.28], ['Aniche', 50.33, 3.25],
] as [string, number, number][]).map(place);

const FRENCH_TOWN_BY_KEY = new Map(FRENCH_TOWNS.map((t) => [placeKey(t.name), t]));

/** A structure's town as typed on its settings, if the table knows it. */
export function frenchTown(name: string | null | undefined): Place | null {
  return name ? FRENCH_TOWN_BY_KEY.get(placeKey(name)) ?? null : null;
}

/**
 * The city a group's destination falls back on when its place is not in DESTINATION_CITIES: the country's
 * capital, or where it has several time zones or its capital is not where its main zone is named, still
 * the capital (Canberra, Brasília, Washington, Moscou...). Generated once from the IANA time-zone table's
 * zone.tab (the main zone's city of each country, with its coordinates), the capitals corrected by hand.
 */
const REFERENCE_CITIES: Record<string, [string, number, number]> = {
  AD: ["Andorra", 42.5, 1.52],
  AE: ["Abu Dhabi", 24.45, 54.38],
  AF: ["Kabul", 34.52, 69.2],
  AG: ["Antigua", 17.05, -61.8],
  AI: ["Anguilla", 18.2, -63.07],
  AL: ["Tirane", 41.33, 19.83],
  AM: ["Yerevan", 40.18, 44.5],
  AO: ["Luanda", -8.8, 13.23],
  AR: ["Buenos Aires", -34.6, -58.38],
  AS: ["Pago Pago", -14.27, -170.7],
  AT: ["Vienna", 48.22, 16.33],
  AU: ["Canberra", -35.28, 149.13],
  AW: ["Aruba", 12.5, -69.97],
  AX: ["Mariehamn", 60.1, 19.95],
  AZ: ["Baku", 40.38, 49.85],
  BA: ["Sarajevo", 43.87, 18.42],
  BB: ["Barbados", 13.1, -59.62],
  BD: ["Dhaka", 23.72, 90.42],
  BE: ["Brussels", 50.83, 4.33],
  BF: ["Ouagadougou", 12.37, -1.52],
  BG: ["Sofia", 42.68, 23.32],
  BH: ["Bahrain", 26.38, 50.58],
  BI: ["Gitega", -3.43, 29.93],
  BJ: ["Porto-Novo", 6.48, 2.62],
  BL: ["St Barthelemy", 17.88, -62.85],
  BM: ["Bermuda", 32.28, -64.77],
  BN: ["Brunei", 4.93, 114.92],
  BO: ["La Paz", -16.5, -68.15],
  BQ: ["Kralendijk", 12.15, -68.28],
  BR: ["Brasília", -15.79, -47.88],
  BS: ["Nassau", 25.08, -77.35],
  BT: ["Thimphu", 27.47, 89.65],
  BW: ["Gaborone", -24.65, 25.92],
  BY: ["Minsk", 53.9, 27.57],
  BZ: ["Belmopan", 17.25, -88.77],
  CA: ["Ottawa", 45.42, -75.7],
  CC: ["Cocos", -12.17, 96.92],
  CD: ["Kinshasa", -4.3, 15.3],
  CF: ["Bangui", 4.37, 18.58],
  CG: ["Brazzaville", -4.27, 15.28],
  CH: ["Berne", 46.95, 7.45],
  CI: ["Yamoussoukro", 6.82, -5.28],
  CK: ["Rarotonga", -21.23, -159.77],
  CL: ["Santiago", -33.45, -70.67],
  CM: ["Yaoundé", 3.87, 11.52],
  CN: ["Beijing", 39.9, 116.41],
  CO: ["Bogota", 4.6, -74.08],
  CR: ["Costa Rica", 9.93, -84.08],
  CU: ["Havana", 23.13, -82.37],
  CV: ["Cape Verde", 14.92, -23.52],
  CW: ["Curacao", 12.18, -69],
  CX: ["Christmas", -10.42, 105.72],
  CY: ["Nicosie", 35.17, 33.36],
  CZ: ["Prague", 50.08, 14.43],
  DE: ["Berlin", 52.52, 13.4],
  DJ: ["Djibouti", 11.6, 43.15],
  DK: ["Copenhagen", 55.67, 12.58],
  DM: ["Dominica", 15.3, -61.4],
  DO: ["Santo Domingo", 18.47, -69.9],
  DZ: ["Algiers", 36.78, 3.05],
  EC: ["Quito", -0.18, -78.47],
  EE: ["Tallinn", 59.42, 24.75],
  EG: ["Cairo", 30.05, 31.25],
  EH: ["El Aaiun", 27.15, -13.2],
  ER: ["Asmara", 15.33, 38.88],
  ES: ["Madrid", 40.42, -3.7],
  ET: ["Addis Ababa", 9.03, 38.7],
  FI: ["Helsinki", 60.17, 24.97],
  FJ: ["Fiji", -18.13, 178.42],
  FK: ["Stanley", -51.7, -57.85],
  FM: ["Palikir", 6.92, 158.16],
  FO: ["Faroe", 62.02, -6.77],
  FR: ["Paris", 48.87, 2.33],
  GA: ["Libreville", 0.38, 9.45],
  GB: ["London", 51.51, -0.13],
  GD: ["Grenada", 12.05, -61.75],
  GE: ["Tbilisi", 41.72, 44.82],
  GF: ["Cayenne", 4.93, -52.33],
  GG: ["Guernsey", 49.45, -2.54],
  GH: ["Accra", 5.55, -0.22],
  GI: ["Gibraltar", 36.13, -5.35],
  GL: ["Nuuk", 64.18, -51.72],
  GM: ["Banjul", 13.47, -16.65],
  GN: ["Conakry", 9.52, -13.72],
  GP: ["Guadeloupe", 16.23, -61.53],
  GQ: ["Malabo", 3.75, 8.78],
  GR: ["Athens", 37.97, 23.72],
  GS: ["South Georgia", -54.27, -36.53],
  GT: ["Guatemala", 14.63, -90.52],
  GU: ["Guam", 13.47, 144.75],
  GW: ["Bissau", 11.85, -15.58],
  GY: ["Guyana", 6.8, -58.17],
  HK: ["Hong Kong", 22.28, 114.15],
  HM: ["Heard Island", -53.1, 73.5],
  HN: ["Tegucigalpa", 14.1, -87.22],
  HR: ["Zagreb", 45.8, 15.97],
  HT: ["Port-au-Prince", 18.53, -72.33],
  HU: ["Budapest", 47.5, 19.08],
  ID: ["Jakarta", -6.17, 106.8],
  IE: ["Dublin", 53.33, -6.25],
  IL: ["Jerusalem", 31.78, 35.22],
  IM: ["Isle of Man", 54.15, -4.47],
  IN: ["New Delhi", 28.61, 77.21],
  IO: ["Chagos", -7.33, 72.42],
  IQ: ["Baghdad", 33.35, 44.42],
  IR: ["Tehran", 35.67, 51.43],
  IS: ["Reykjavik", 64.15, -21.85],
  IT: ["Rome", 41.9, 12.48],
  JE: ["Jersey", 49.18, -2.11],
  JM: ["Jamaica", 17.97, -76.79],
  JO: ["Amman", 31.95, 35.93],
  JP: ["Tokyo", 35.65, 139.74],
  KE: ["Nairobi", -1.28, 36.82],
  KG: ["Bishkek", 42.9, 74.6],
  KH: ["Phnom Penh", 11.55, 104.92],
  KI: ["Tarawa", 1.33, 172.98],
  KM: ["Comoro", -11.68, 43.27],
  KN: ["St Kitts", 17.3, -62.72],
  KP: ["Pyongyang", 39.02, 125.75],
  KR: ["Seoul", 37.55, 126.97],
  KW: ["Kuwait", 29.33, 47.98],
  KY: ["Cayman", 19.3, -81.38],
  KZ: ["Astana", 51.17, 71.45],
  LA: ["Vientiane", 17.97, 102.6],
  LB: ["Beirut", 33.88, 35.5],
  LC: ["St Lucia", 14.02, -61],
  LI: ["Vaduz", 47.15, 9.52],
  LK: ["Colombo", 6.93, 79.85],
  LR: ["Monrovia", 6.3, -10.78],
  LS: ["Maseru", -29.47, 27.5],
  LT: ["Vilnius", 54.68, 25.32],
  LU: ["Luxembourg", 49.6, 6.15],
  LV: ["Riga", 56.95, 24.1],
  LY: ["Tripoli", 32.9, 13.18],
  MA: ["Rabat", 34.02, -6.84],
  MC: ["Monaco", 43.7, 7.38],
  MD: ["Chisinau", 47, 28.83],
  ME: ["Podgorica", 42.43, 19.27],
  MF: ["Marigot", 18.07, -63.08],
  MG: ["Antananarivo", -18.92, 47.52],
  MH: ["Majuro", 7.15, 171.2],
  MK: ["Skopje", 41.98, 21.43],
  ML: ["Bamako", 12.65, -8],
  MM: ["Naypyidaw", 19.76, 96.08],
  MN: ["Ulaanbaatar", 47.92, 106.88],
  MO: ["Macau", 22.2, 113.54],
  MP: ["Saipan", 15.2, 145.75],
  MQ: ["Martinique", 14.6, -61.08],
  MR: ["Nouakchott", 18.1, -15.95],
  MS: ["Montserrat", 16.72, -62.22],
  MT: ["Malta", 35.9, 14.52],
  MU: ["Mauritius", -20.17, 57.5],
  MV: ["Maldives", 4.17, 73.5],
  MW: ["Blantyre", -15.78, 35],
  MX: ["Mexico City", 19.4, -99.15],
  MY: ["Kuala Lumpur", 3.17, 101.7],
  MZ: ["Maputo", -25.97, 32.58],
  NA: ["Windhoek", -22.57, 17.1],
  NC: ["Noumea", -22.27, 166.45],
  NE: ["Niamey", 13.52, 2.12],
  NF: ["Norfolk", -29.05, 167.97],
  NG: ["Abuja", 9.08, 7.4],
  NI: ["Managua", 12.15, -86.28],
  NL: ["Amsterdam", 52.37, 4.9],
  NO: ["Oslo", 59.92, 10.75],
  NP: ["Kathmandu", 27.72, 85.32],
  NR: ["Nauru", -0.52, 166.92],
  NU: ["Niue", -19.02, -169.92],
  NZ: ["Wellington", -41.29, 174.78],
  OM: ["Muscat", 23.6, 58.58],
  PA: ["Panama", 8.97, -79.53],
  PE: ["Lima", -12.05, -77.05],
  PF: ["Tahiti", -17.53, -149.57],
  PG: ["Port Moresby", -9.5, 147.17],
  PH: ["Manila", 14.59, 120.97],
  PK: ["Islamabad", 33.69, 73.06],
  PL: ["Warsaw", 52.25, 21],
  PM: ["Miquelon", 47.05, -56.33],
  PN: ["Pitcairn", -25.07, -130.08],
  PR: ["Puerto Rico", 18.47, -66.11],
  PS: ["Ramallah", 31.9, 35.2],
  PT: ["Lisbonne", 38.72, -9.14],
  PW: ["Palau", 7.33, 134.48],
  PY: ["Asuncion", -25.27, -57.67],
  QA: ["Qatar", 25.28, 51.53],
  RE: ["Reunion", -20.87, 55.47],
  RO: ["Bucharest", 44.43, 26.1],
  RS: ["Belgrade", 44.83, 20.5],
  RU: ["Moscou", 55.76, 37.62],
  RW: ["Kigali", -1.95, 30.07],
  SA: ["Riyadh", 24.63, 46.72],
  SB: ["Guadalcanal", -9.53, 160.2],
  SC: ["Mahe", -4.67, 55.47],
  SD: ["Khartoum", 15.6, 32.53],
  SE: ["Stockholm", 59.33, 18.05],
  SG: ["Singapore", 1.28, 103.85],
  SH: ["St Helena", -15.92, -5.7],
  SI: ["Ljubljana", 46.05, 14.52],
  SJ: ["Longyearbyen", 78, 16],
  SK: ["Bratislava", 48.15, 17.12],
  SL: ["Freetown", 8.5, -13.25],
  SM: ["San Marino", 43.92, 12.47],
  SN: ["Dakar", 14.67, -17.43],
  SO: ["Mogadishu", 2.07, 45.37],
  SR: ["Paramaribo", 5.83, -55.17],
  SS: ["Juba", 4.85, 31.62],
  ST: ["Sao Tome", 0.33, 6.73],
  SV: ["El Salvador", 13.7, -89.2],
  SX: ["Lower Princes", 18.05, -63.05],
  SY: ["Damas", 33.51, 36.29],
  SZ: ["Mbabane", -26.3, 31.1],
  TC: ["Grand Turk", 21.47, -71.13],
  TD: ["Ndjamena", 12.12, 15.05],
  TF: ["Kerguelen", -49.35, 70.22],
  TG: ["Lome", 6.13, 1.22],
  TH: ["Bangkok", 13.75, 100.52],
  TJ: ["Dushanbe", 38.58, 68.8],
  TK: ["Fakaofo", -9.37, -171.23],
  TL: ["Dili", -8.55, 125.58],
  TM: ["Ashgabat", 37.95, 58.38],
  TN: ["Tunis", 36.8, 10.18],
  TO: ["Tongatapu", -21.13, -175.2],
  TR: ["Ankara", 39.93, 32.86],
  TT: ["Port of Spain", 10.65, -61.52],
  TV: ["Funafuti", -8.52, 179.22],
  TW: ["Taipei", 25.05, 121.5],
  TZ: ["Dodoma", -6.16, 35.75],
  UA: ["Kyiv", 50.45, 30.52],
  UG: ["Kampala", 0.32, 32.42],
  UM: ["Wake Island", 19.28, 166.65],
  US: ["Washington", 38.9, -77.04],
  UY: ["Montevideo", -34.91, -56.21],
  UZ: ["Tachkent", 41.3, 69.24],
  VA: ["Vatican", 41.9, 12.45],
  VC: ["St Vincent", 13.15, -61.23],
  VE: ["Caracas", 10.5, -66.93],
  VG: ["Tortola", 18.45, -64.62],
  VI: ["St Thomas", 18.35, -64.93],
  VN: ["Hanoï", 21.03, 105.85],
  VU: ["Efate", -17.67, 168.42],
  WF: ["Wallis", -13.3, -176.17],
  WS: ["Apia", -13.83, -171.73],
  XK: ["Pristina", 42.66, 21.17],
  YE: ["Aden", 12.75, 45.2],
  YT: ["Mayotte", -12.78, 45.23],
  ZA: ["Pretoria", -25.75, 28.19],
  ZM: ["Lusaka", -15.42, 28.28],
  ZW: ["Harare", -17.83, 31.05],
};

/**
 * Towns and cities that groups go to, beyond the capitals: the demo's partners' towns and the larger cities
 * of the countries French youth mobility goes to most. A destination place typed on the group (its
 * "destination_place") is looked up here within its country.
 */
const DESTINATION_CITIES: Record<string, [string, number, number][]> = {
  ML: [['Kayes', 14.45, -11.44], ['Sadiola', 13.90, -11.70], ['Ségou', 13.43, -6.26], ['Mopti', 14.49, -4.20], ['Tombouctou', 16.77, -3.01]],
  CM: [['Douala', 4.05, 9.70], ['Bafou', 5.47, 10.10], ['Dschang', 5.45, 10.05], ['Bafoussam', 5.48, 10.42], ['Nkongsamba', 4.95, 9.94]],
  MA: [['Casablanca', 33.57, -7.59], ['Azrou', 33.43, -5.22], ['Marrakech', 31.63, -8.01], ['Fès', 34.03, -5.00], ['Tanger', 35.77, -5.80], ['Agadir', 30.42, -9.60], ['Meknès', 33.89, -5.55]],
  BF: [['Bobo-Dioulasso', 11.18, -4.29], ['Koudougou', 12.25, -2.36], ['Banfora', 10.63, -4.76]],
  DZ: [['Boumerdès', 36.76, 3.48], ['Oran', 35.70, -0.63], ['Constantine', 36.37, 6.61], ['Annaba', 36.90, 7.77], ['Tlemcen', 34.88, -1.32]],
  SN: [['Saint-Louis', 16.03, -16.49], ['Thiès', 14.79, -16.93], ['Ziguinchor', 12.56, -16.27]],
  TN: [['Sfax', 34.74, 10.76], ['Sousse', 35.83, 10.64]],
  CI: [['Abidjan', 5.36, -4.01], ['Bouaké', 7.69, -5.03]],
  BJ: [['Cotonou', 6.37, 2.39], ['Parakou', 9.34, 2.63]],
  TG: [['Kara', 9.55, 1.19]],
  MG: [['Toamasina', -18.15, 49.40], ['Fianarantsoa', -21.45, 47.09]],
  BE: [['Bruxelles', 50.85, 4.35], ['Liège', 50.63, 5.57], ['Gand', 51.05, 3.72], ['Anvers', 51.22, 4.40], ['Tournai', 50.61, 3.39], ['Mons', 50.45, 3.95]],
  DE: [['Hambourg', 53.55, 9.99], ['Munich', 48.14, 11.58], ['Cologne', 50.94, 6.96], ['Francfort', 50.11, 8.68], ['Dortmund', 51.51, 7.47]],
  ES: [['Barcelone', 41.39, 2.17], ['Séville', 37.39, -5.98], ['Valence', 39.47, -0.38], ['Bilbao', 43.26, -2.93], ['Grenade', 37.18, -3.60]],
  IT: [['Milan', 45.46, 9.19], ['Naples', 40.85, 14.27], ['Turin', 45.07, 7.69], ['Florence', 43.77, 11.26], ['Palerme', 38.12, 13.36], ['Bologne', 44.49, 11.34]],
  PT: [['Porto', 41.15, -8.61]],
  PL: [['Cracovie', 50.06, 19.94], ['Gdańsk', 54.35, 18.65], ['Wrocław', 51.11, 17.03]],
  GB: [['Manchester', 53.48, -2.24], ['Édimbourg', 55.95, -3.19], ['Birmingham', 52.49, -1.89], ['Liverpool', 53.41, -2.98]],
  CA: [['Montréal', 45.50, -73.57], ['Québec', 46.81, -71.21], ['Toronto', 43.65, -79.38]],
};

const DESTINATION_BY_KEY = new Map(
  Object.entries(DESTINATION_CITIES).map(([country, cities]) => [country, new Map(cities.map((c) => [placeKey(c[0]), place(c)]))]),
);

const REFERENCE_BY_KEY = new Map(Object.entries(REFERENCE_CITIES).map(([country, c]) => [country, new Map([[placeKey(c[0]), place(c)]])]));

export interface Destination extends Place {
  /** True when the group's own place was not found and the country's reference city stands for it. */
  fallback: boolean;
}

/** Where a group goes, for its distance: its place when the tables know it in its country, else the country's reference city. */
export function destinationOf(country: string, placeName: string | null | undefined): Destination | null {
  const key = placeName ? placeKey(placeName) : null;
  // A group that stays in France goes to a French town of the same table as the structures'.
  const known = key === null ? undefined : country === 'FR' ? FRENCH_TOWN_BY_KEY.get(key) : DESTINATION_BY_KEY.get(country)?.get(key) ?? REFERENCE_BY_KEY.get(country)?.get(key);
  if (known) return { ...known, fallback: false };
  const reference = REFERENCE_CITIES[country];
  return reference ? { ...place(reference), fallback: true } : null;
}

