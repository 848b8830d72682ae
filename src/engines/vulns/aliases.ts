/**
 * Vendor and product names as people and CISA KEV write them, mapped to NVD CPE vendor:product.
 *
 * KEV names products in prose (`vendorProject: "Citrix"`, `product: "NetScaler ADC and NetScaler
 * Gateway"`); NVD names them as CPE attributes (`citrix:netscaler_application_delivery_controller`).
 * The table is seeded from KEV vendorProject/product pairs of products MSPs run. Lookups need both
 * a vendor and a product: a product name alone is never enough (npm `nx` is not Siemens NX).
 */

/** `vendor|product` (normalized prose) → NVD `vendor:product` names. */
const TABLE: Record<string, readonly string[]> = {
  'fortinet|fortios': ['fortinet:fortios'],
  'fortinet|fortiproxy': ['fortinet:fortiproxy'],
  'fortinet|fortios and fortiproxy': ['fortinet:fortios', 'fortinet:fortiproxy'],
  'fortinet|fortigate': ['fortinet:fortios'],
  'citrix|netscaler adc': ['citrix:netscaler_application_delivery_controller'],
  'citrix|netscaler gateway': ['citrix:netscaler_gateway'],
  'citrix|netscaler adc and netscaler gateway': ['citrix:netscaler_application_delivery_controller', 'citrix:netscaler_gateway'],
  'citrix|application delivery controller (adc) and gateway': ['citrix:application_delivery_controller', 'citrix:gateway'],
  'palo alto networks|pan-os': ['paloaltonetworks:pan-os'],
  'paloaltonetworks|pan-os': ['paloaltonetworks:pan-os'],
  'connectwise|screenconnect': ['connectwise:screenconnect'],
  'ivanti|connect secure': ['ivanti:connect_secure'],
  'ivanti|policy secure': ['ivanti:policy_secure'],
  'ivanti|connect secure and policy secure': ['ivanti:connect_secure', 'ivanti:policy_secure'],
  'ivanti|pulse connect secure': ['ivanti:connect_secure', 'pulsesecure:pulse_connect_secure'],
  'pulse secure|pulse connect secure': ['pulsesecure:pulse_connect_secure'],
  'sonicwall|sonicos': ['sonicwall:sonicos'],
  'cisco|ios xe': ['cisco:ios_xe'],
  'cisco|ios xe web ui': ['cisco:ios_xe'],
  'cisco|ios': ['cisco:ios'],
  'cisco|ios and ios xe': ['cisco:ios', 'cisco:ios_xe'],
  'microsoft|exchange server': ['microsoft:exchange_server'],
  'kaseya|vsa': ['kaseya:vsa'],
  'progress|moveit transfer': ['progress:moveit_transfer'],
  'fortra|goanywhere mft': ['fortra:goanywhere_managed_file_transfer'],
  'openbsd|openssh': ['openbsd:openssh'],
  'openssl|openssl': ['openssl:openssl'],
  'ntp|ntp': ['ntp:ntp'],
};

/** Lower-case, collapse spaces, drop trademark signs: the key form of a prose name. */
const norm = (s: string): string => s.toLowerCase().replace(/[®™]/g, '').replace(/\s+/g, ' ').trim();

/** The CPE form of a prose name when no alias is known: lower-case, spaces to `_` (NVD's habit). */
const cpeName = (s: string): string => norm(s).replace(/ /g, '_');

/**
 * NVD `vendor:product` names for a vendor and product as a person or KEV writes them. Falls back
 * to the name's CPE form (`Acme Corp`/`Widget Pro` → `acme_corp:widget_pro`). Empty when either
 * name is missing: matching on a product with an unknown vendor is refused.
 */
export function resolveProduct(vendor: string | undefined, product: string | undefined): { vendor: string; product: string }[] {
  if (!vendor?.trim() || !product?.trim()) return [];
  const hit = TABLE[`${norm(vendor)}|${norm(product)}`];
  const names = hit ?? [`${cpeName(vendor)}:${cpeName(product)}`];
  return names.map((n) => {
    const i = n.indexOf(':');
    return { vendor: n.slice(0, i), product: n.slice(i + 1) };
  });
}

/** True when the table holds this pair (so callers can say an alias, not a guess, was used). */
export function hasAlias(vendor: string, product: string): boolean {
  return TABLE[`${norm(vendor)}|${norm(product)}`] !== undefined;
}
