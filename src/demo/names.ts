/**
 * Word lists for the demo workspace: people, places and business names. Plain
 * lists keep the output realistic and deterministic without any I/O.
 */

/** Given names, mixed in origin so a customer's staff list looks like a real office. */
export const FIRST_NAMES = [
  'Aaron', 'Abigail', 'Adam', 'Adriana', 'Aisha', 'Alan', 'Alejandro', 'Alice', 'Amara', 'Amelia',
  'Ana', 'Andre', 'Andrew', 'Angela', 'Anil', 'Anna', 'Anthony', 'Arjun', 'Ava', 'Beatriz',
  'Benjamin', 'Bianca', 'Brandon', 'Brian', 'Camila', 'Carlos', 'Caroline', 'Catherine', 'Chen', 'Chloe',
  'Christopher', 'Claire', 'Connor', 'Daniel', 'David', 'Deepa', 'Diana', 'Diego', 'Dmitri', 'Eleanor',
  'Elena', 'Elijah', 'Elizabeth', 'Emily', 'Emma', 'Eric', 'Ethan', 'Fatima', 'Felix', 'Fiona',
  'Gabriel', 'Grace', 'Hannah', 'Hassan', 'Henry', 'Hiroshi', 'Imani', 'Isaac', 'Isabel', 'Ivan',
  'Jack', 'Jacob', 'James', 'Jasmine', 'Javier', 'Jennifer', 'Jessica', 'Joanna', 'John', 'Jonathan',
  'Jose', 'Joseph', 'Julia', 'Kareem', 'Katherine', 'Kenji', 'Kevin', 'Laura', 'Leah', 'Leo',
  'Liam', 'Lucas', 'Lucy', 'Maya', 'Marcus', 'Maria', 'Mark', 'Martin', 'Matthew', 'Mei',
  'Michael', 'Michelle', 'Mohammed', 'Nadia', 'Natalie', 'Nathan', 'Nicole', 'Noah', 'Olivia', 'Omar',
  'Oscar', 'Patrick', 'Paul', 'Priya', 'Rachel', 'Rafael', 'Rebecca', 'Ricardo', 'Robert', 'Rosa',
  'Ryan', 'Samuel', 'Sara', 'Sean', 'Sofia', 'Sophie', 'Stephen', 'Tariq', 'Thomas', 'Tyler',
  'Valentina', 'Victor', 'Wei', 'William', 'Yara', 'Yusuf', 'Zoe',
] as const;

/** Family names. */
export const LAST_NAMES = [
  'Abbott', 'Acosta', 'Adams', 'Ahmed', 'Alvarez', 'Anderson', 'Bailey', 'Baker', 'Banerjee', 'Barnes',
  'Bell', 'Bennett', 'Brooks', 'Brown', 'Bryant', 'Campbell', 'Carter', 'Castillo', 'Chan', 'Chavez',
  'Clarke', 'Cohen', 'Coleman', 'Collins', 'Cooper', 'Cruz', 'Das', 'Davies', 'Diaz', 'Dixon',
  'Doyle', 'Edwards', 'Evans', 'Fischer', 'Fleming', 'Flores', 'Foster', 'Garcia', 'Gibson', 'Gomez',
  'Gonzalez', 'Graham', 'Grant', 'Gray', 'Green', 'Gupta', 'Hall', 'Hamilton', 'Harper', 'Harris',
  'Hayes', 'Henderson', 'Hernandez', 'Hill', 'Hoffman', 'Howard', 'Hughes', 'Hunt', 'Ibrahim', 'Jackson',
  'James', 'Jensen', 'Johnson', 'Jones', 'Kaur', 'Kelly', 'Kennedy', 'Khan', 'Kim', 'King',
  'Kowalski', 'Kumar', 'Lambert', 'Larsen', 'Lee', 'Lewis', 'Lin', 'Lopez', 'Marshall', 'Martin',
  'Martinez', 'Mason', 'Mendes', 'Meyer', 'Miller', 'Mitchell', 'Moore', 'Morales', 'Morgan', 'Murphy',
  'Murray', 'Nakamura', 'Nguyen', 'Nielsen', 'Novak', 'Obi', 'Okafor', 'Olsen', 'Ortiz', 'Owens',
  'Park', 'Patel', 'Perez', 'Perry', 'Peterson', 'Phillips', 'Powell', 'Price', 'Quinn', 'Ramirez',
  'Reed', 'Reyes', 'Richards', 'Rivera', 'Roberts', 'Robinson', 'Rodriguez', 'Rossi', 'Russell', 'Sanchez',
  'Santos', 'Schmidt', 'Scott', 'Shah', 'Silva', 'Singh', 'Smith', 'Stewart', 'Sullivan', 'Tanaka',
  'Taylor', 'Thomas', 'Thompson', 'Torres', 'Turner', 'Vasquez', 'Walker', 'Wallace', 'Wang', 'Ward',
  'Watson', 'Webb', 'White', 'Williams', 'Wilson', 'Wong', 'Wood', 'Wright', 'Yamamoto', 'Young',
] as const;

/** First halves of town names. Each is one word so a town slug has no hyphen. */
const TOWN_HEADS = [
  'Ash', 'Bay', 'Beech', 'Birch', 'Bridge', 'Brook', 'Cedar', 'Clear', 'Cold', 'Crane',
  'Deer', 'East', 'Elm', 'Fair', 'Fern', 'Fox', 'Glen', 'Gold', 'Green', 'Hart',
  'Haw', 'Hazel', 'High', 'Holly', 'King', 'Lake', 'Lark', 'Maple', 'Marsh', 'Mill',
  'North', 'Oak', 'Pine', 'Red', 'River', 'Rock', 'Rose', 'Salt', 'Silver', 'South',
  'Spring', 'Stone', 'Sun', 'West', 'White', 'Willow', 'Wolf', 'Wood',
] as const;
const TOWN_TAILS = [
  'brook', 'bury', 'dale', 'field', 'ford', 'gate', 'haven', 'hill', 'hurst', 'ley',
  'mead', 'mont', 'port', 'ridge', 'stead', 'ton', 'vale', 'view', 'wick', 'wood',
] as const;

/** Town names (heads × tails), e.g. `Maplewood`, `Ashford`, `Riverdale`. */
export const TOWNS: readonly string[] = TOWN_HEADS.flatMap((h) => TOWN_TAILS.map((t) => `${h}${t}`));

/** Sectors the demo draws customers from (the hospital is placed separately). */
export type DemoSector =
  | 'healthcare' | 'hospital' | 'legal' | 'manufacturing' | 'education' | 'finance' | 'nonprofit' | 'construction' | 'retail';

/**
 * Customer name templates: `{T}` is the town, `{L}` and `{M}` are family names.
 * A template without `{T}` gets the town appended to its id, so (town, template)
 * pairs, which the generator enumerates without repeats, give unique ids.
 * Healthcare has the most templates because clinics and dental practices are
 * the MSP's bread and butter.
 */
export const CUSTOMER_TEMPLATES: readonly { sector: Exclude<DemoSector, 'hospital'>; name: string }[] = [
  { sector: 'healthcare', name: '{T} Family Clinic' },
  { sector: 'healthcare', name: '{T} Dental Practice' },
  { sector: 'healthcare', name: '{L} Family Dentistry' },
  { sector: 'healthcare', name: '{T} Pediatrics' },
  { sector: 'healthcare', name: '{T} Physical Therapy' },
  { sector: 'healthcare', name: '{T} Eye Care' },
  { sector: 'healthcare', name: '{T} Medical Group' },
  { sector: 'healthcare', name: '{T} Dermatology' },
  { sector: 'healthcare', name: '{L} Orthodontics' },
  { sector: 'healthcare', name: '{T} Women\'s Health Clinic' },
  { sector: 'legal', name: '{L} & {M} LLP' },
  { sector: 'legal', name: '{L} Law Group' },
  { sector: 'legal', name: '{T} Legal Partners' },
  { sector: 'legal', name: '{L} {M} Attorneys' },
  { sector: 'legal', name: '{T} Family Law' },
  { sector: 'manufacturing', name: '{T} Precision Machining' },
  { sector: 'manufacturing', name: '{T} Plastics' },
  { sector: 'manufacturing', name: '{L} Metal Works' },
  { sector: 'manufacturing', name: '{T} Packaging' },
  { sector: 'manufacturing', name: '{T} Food Processing' },
  { sector: 'education', name: '{T} Academy' },
  { sector: 'education', name: '{T} Montessori School' },
  { sector: 'education', name: '{T} Community College' },
  { sector: 'education', name: 'St. {L} Primary School' },
  { sector: 'finance', name: '{L} & {M} CPAs' },
  { sector: 'finance', name: '{T} Tax & Accounting' },
  { sector: 'finance', name: '{L} Wealth Advisors' },
  { sector: 'finance', name: '{T} Credit Union' },
  { sector: 'nonprofit', name: '{T} Food Bank' },
  { sector: 'nonprofit', name: '{T} Community Foundation' },
  { sector: 'nonprofit', name: '{T} Animal Rescue' },
  { sector: 'nonprofit', name: '{T} Youth Services' },
  { sector: 'construction', name: '{L} Builders' },
  { sector: 'construction', name: '{T} Roofing' },
  { sector: 'construction', name: '{L} & {M} Construction' },
  { sector: 'construction', name: '{T} Electrical Contractors' },
  { sector: 'retail', name: '{T} Hardware' },
  { sector: 'retail', name: '{T} Outfitters' },
  { sector: 'retail', name: '{L} Home & Garden' },
  { sector: 'retail', name: '{T} Pharmacy' },
];

/** Hospital names; the one hospital of the demo is named after its town. */
export const HOSPITAL_TEMPLATES = ['{T} Regional Hospital', '{T} General Hospital', '{T} Medical Center'] as const;

/** Departments per sector; every staff member belongs to one. */
export const DEPARTMENTS: Readonly<Record<DemoSector, readonly string[]>> = {
  healthcare: ['Front Desk', 'Clinical', 'Billing', 'Practice Management'],
  hospital: ['Nursing', 'Physicians', 'Radiology', 'Pharmacy', 'Patient Accounts', 'Administration'],
  legal: ['Partners', 'Associates', 'Paralegals', 'Accounts'],
  manufacturing: ['Production', 'Engineering', 'Quality', 'Sales', 'Office'],
  education: ['Teaching Staff', 'Administration', 'Student Services'],
  finance: ['Advisors', 'Tax', 'Bookkeeping', 'Client Services'],
  nonprofit: ['Programs', 'Fundraising', 'Volunteers', 'Operations'],
  construction: ['Project Management', 'Estimating', 'Site Supervisors', 'Office'],
  retail: ['Store', 'Purchasing', 'Accounts', 'Management'],
};

/** The department the executive and the office manager sit in. */
export const MANAGEMENT_DEPARTMENT: Readonly<Record<DemoSector, string>> = {
  healthcare: 'Practice Management',
  hospital: 'Administration',
  legal: 'Partners',
  manufacturing: 'Office',
  education: 'Administration',
  finance: 'Advisors',
  nonprofit: 'Operations',
  construction: 'Office',
  retail: 'Management',
};

/** Job title of the person a customer's IR plan names as its executive. */
export const EXECUTIVE_TITLE: Readonly<Record<DemoSector, string>> = {
  healthcare: 'Practice Owner',
  hospital: 'Chief Executive Officer',
  legal: 'Managing Partner',
  manufacturing: 'Managing Director',
  education: 'Principal',
  finance: 'Managing Partner',
  nonprofit: 'Executive Director',
  construction: 'Owner',
  retail: 'Owner',
};

/** Lowercase, hyphen-separated slug of a name (`Harper & Quinn LLP` → `harper-quinn-llp`). */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Upper-case initials of the significant words of a name, for host names (`Maplewood Family Clinic` → `MFC`). */
export function initials(name: string, max = 4): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w && !['of', 'and', 'the', 'St'].includes(w));
  return words
    .slice(0, max)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

/**
 * A random person with a `first.last` sign-in name not yet in `used` (a digit is
 * appended on a clash); the name is added to `used`.
 */
export function uniquePerson(rng: { pick<T>(xs: readonly T[]): T }, used: Set<string>): { first: string; last: string; local: string } {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const base = `${first}.${last}`.toLowerCase();
  let local = base;
  for (let d = 2; used.has(local); d++) local = `${base}${d}`;
  used.add(local);
  return { first, last, local };
}
