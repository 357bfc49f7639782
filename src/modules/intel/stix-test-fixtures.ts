// Valid STIX 2.1 objects, one (or more) per type, for the validator tests and the OASIS oracle.
// Each carries several optional properties so that mutations have something to break.

export type StixJson = Record<string, unknown>

/** A deterministic RFC 4122 v4 UUID: the n-th fixture id. */
export function fixtureUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export const idFor = (type: string, n = 1) => `${type}--${fixtureUuid(n)}`

const CREATED = '2024-04-01T09:30:00.000Z'
const MODIFIED = '2024-04-02T10:00:00.000Z'
const AUTHOR = idFor('identity', 900)
const TLP_GREEN_V2 = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'

function sdo(type: string, properties: StixJson, n = 1): StixJson {
  return {
    type,
    spec_version: '2.1',
    id: idFor(type, n),
    created: CREATED,
    modified: MODIFIED,
    created_by_ref: AUTHOR,
    object_marking_refs: [TLP_GREEN_V2],
    ...properties,
  }
}

function sco(type: string, properties: StixJson, n = 1): StixJson {
  return { type, spec_version: '2.1', id: idFor(type, n), ...properties }
}

const killChain = [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }]

/** name -> a valid object. Names are the type, or `type:variant`. */
export function validObjects(): Record<string, StixJson> {
  return {
    'attack-pattern': sdo('attack-pattern', {
      name: 'Spearphishing Attachment',
      aliases: ['T1566.001'],
      kill_chain_phases: killChain,
      external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }],
    }),
    campaign: sdo('campaign', { name: 'Operation Winter', aliases: ['Winter'], first_seen: '2024-01-01T00:00:00Z', last_seen: '2024-03-01T00:00:00Z', objective: 'theft' }),
    'course-of-action': sdo('course-of-action', { name: 'Block the C2 range', description: 'at the perimeter firewall' }),
    grouping: sdo('grouping', { name: 'Related to the phishing wave', context: 'suspicious-activity', object_refs: [idFor('indicator'), idFor('malware')] }),
    identity: sdo('identity', { name: 'Example Shinkin Bank', identity_class: 'organization', sectors: ['financial-services'], contact_information: 'soc@example.jp' }, 900),
    incident: sdo('incident', { name: 'Ransomware at branch 12', description: 'contained' }),
    indicator: sdo('indicator', {
      name: 'C2 address',
      indicator_types: ['malicious-activity'],
      pattern: "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.evil.example']",
      pattern_type: 'stix',
      valid_from: '2024-04-01T00:00:00Z',
      valid_until: '2024-10-01T00:00:00Z',
      kill_chain_phases: killChain,
      labels: ['c2'],
      confidence: 80,
    }),
    'indicator:sigma': sdo('indicator', { pattern: 'title: anything', pattern_type: 'sigma', valid_from: '2024-04-01T00:00:00Z' }, 2),
    infrastructure: sdo('infrastructure', { name: 'Bulletproof VPS', infrastructure_types: ['command-and-control'], first_seen: '2024-01-01T00:00:00Z' }),
    'intrusion-set': sdo('intrusion-set', { name: 'Winter Group', aliases: ['WG'], goals: ['money'], resource_level: 'organization', primary_motivation: 'personal-gain' }),
    location: sdo('location', { name: 'Tokyo', region: 'eastern-asia', country: 'jp', latitude: 35.68, longitude: 139.77, precision: 1000 }),
    'location:country': sdo('location', { country: 'jp' }, 2),
    malware: sdo('malware', {
      name: 'WinterLoader',
      is_family: true,
      malware_types: ['downloader'],
      operating_system_refs: [idFor('software')],
      sample_refs: [idFor('file')],
      kill_chain_phases: killChain,
    }),
    'malware:instance': sdo('malware', { is_family: false }, 2),
    'malware-analysis': sdo('malware-analysis', {
      product: 'sandbox',
      result: 'malicious',
      host_vm_ref: idFor('software'),
      analysis_sco_refs: [idFor('file')],
      sample_ref: idFor('file'),
      analysis_started: '2024-04-01T00:00:00Z',
      analysis_ended: '2024-04-01T00:10:00Z',
    }),
    note: sdo('note', { abstract: 'triage', content: 'seen at two members', authors: ['analyst'], object_refs: [idFor('indicator')] }),
    'observed-data': sdo('observed-data', {
      first_observed: '2024-04-01T00:00:00Z',
      last_observed: '2024-04-01T01:00:00Z',
      number_observed: 3,
      object_refs: [idFor('ipv4-addr'), idFor('domain-name')],
    }),
    'observed-data:embedded': sdo(
      'observed-data',
      {
        first_observed: '2024-04-01T00:00:00Z',
        last_observed: '2024-04-01T01:00:00Z',
        number_observed: 1,
        objects: {
          '0': { type: 'ipv4-addr', id: idFor('ipv4-addr', 5), value: '198.51.100.7' },
          '1': { type: 'domain-name', id: idFor('domain-name', 5), value: 'c2.evil.example', resolves_to_refs: ['0'] },
        },
      },
      2,
    ),
    opinion: sdo('opinion', { opinion: 'agree', explanation: 'also seen here', object_refs: [idFor('indicator')] }),
    report: sdo('report', { name: 'Winter campaign', report_types: ['threat-report'], published: '2024-04-03T00:00:00Z', object_refs: [idFor('indicator'), idFor('campaign')] }),
    'threat-actor': sdo('threat-actor', { name: 'Winter', threat_actor_types: ['crime-syndicate'], roles: ['agent'], sophistication: 'advanced', first_seen: '2023-01-01T00:00:00Z' }),
    tool: sdo('tool', { name: 'mimikatz', tool_types: ['credential-exploitation'], tool_version: '2.2' }),
    vulnerability: sdo('vulnerability', { name: 'CVE-2024-3400', external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }] }),
    relationship: sdo('relationship', {
      relationship_type: 'indicates',
      source_ref: idFor('indicator'),
      target_ref: idFor('malware'),
      start_time: '2024-04-01T00:00:00Z',
      stop_time: '2024-05-01T00:00:00Z',
    }),
    'relationship:resolves-to': sdo('relationship', { relationship_type: 'resolves-to', source_ref: idFor('domain-name'), target_ref: idFor('ipv4-addr') }, 2),
    sighting: sdo('sighting', {
      sighting_of_ref: idFor('indicator'),
      count: 12,
      first_seen: '2024-04-01T00:00:00Z',
      last_seen: '2024-04-02T00:00:00Z',
      observed_data_refs: [idFor('observed-data')],
      where_sighted_refs: [AUTHOR],
      summary: false,
    }),
    artifact: sco('artifact', { mime_type: 'application/zip', payload_bin: 'UEsDBBQAAAAIAA==', hashes: { 'SHA-256': 'a'.repeat(64) } }),
    'artifact:url': sco('artifact', { url: 'https://files.example.org/sample.zip', hashes: { MD5: 'b'.repeat(32) } }, 2),
    'autonomous-system': sco('autonomous-system', { number: 64512, name: 'Example AS', rir: 'APNIC' }),
    directory: sco('directory', { path: 'C:\\Windows\\Temp', contains_refs: [idFor('file')], ctime: '2024-04-01T00:00:00Z' }),
    'domain-name': sco('domain-name', { value: 'c2.evil.example', resolves_to_refs: [idFor('ipv4-addr')] }),
    'domain-name:idn': sco('domain-name', { value: 'ドメイン.例' }, 2),
    'email-addr': sco('email-addr', { value: 'billing@evil.example', display_name: 'Billing', belongs_to_ref: idFor('user-account') }),
    'email-message': sco('email-message', {
      is_multipart: true,
      from_ref: idFor('email-addr'),
      to_refs: [idFor('email-addr', 2)],
      subject: 'Invoice',
      date: '2024-04-01T08:00:00Z',
      body_multipart: [{ content_type: 'text/plain', body: 'see attachment' }, { content_type: 'application/zip', body_raw_ref: idFor('artifact') }],
      additional_header_fields: { 'X-Mailer': 'Outlook', 'Reply-To': ['a@example.org', 'b@example.org'] },
    }),
    'email-message:single': sco('email-message', { is_multipart: false, body: 'hello', subject: 'Hello' }, 2),
    file: sco('file', {
      name: 'invoice.exe',
      size: 52000,
      hashes: { MD5: 'c'.repeat(32), 'SHA-256': 'd'.repeat(64) },
      magic_number_hex: '4D5A',
      parent_directory_ref: idFor('directory'),
      extensions: {
        'windows-pebinary-ext': { pe_type: 'exe', number_of_sections: 4, time_date_stamp: '2024-01-01T00:00:00Z', sections: [{ name: '.text', entropy: 7.2 }] },
        'ntfs-ext': { sid: 'S-1-5-21' },
      },
    }),
    'file:archive': sco('file', { name: 'docs.zip', extensions: { 'archive-ext': { contains_refs: [idFor('file', 3)] } } }, 2),
    'ipv4-addr': sco('ipv4-addr', { value: '198.51.100.7', resolves_to_refs: [idFor('mac-addr')], belongs_to_refs: [idFor('autonomous-system')] }),
    'ipv4-addr:cidr': sco('ipv4-addr', { value: '203.0.113.0/24' }, 2),
    'ipv6-addr': sco('ipv6-addr', { value: '2001:db8::7' }),
    'ipv6-addr:cidr': sco('ipv6-addr', { value: '2001:db8:abcd::/48' }, 2),
    'mac-addr': sco('mac-addr', { value: '00:1b:63:84:45:e6' }),
    mutex: sco('mutex', { name: 'Global\\WinterMutex' }),
    'network-traffic': sco('network-traffic', {
      src_ref: idFor('ipv4-addr'),
      dst_ref: idFor('ipv4-addr', 2),
      src_port: 49152,
      dst_port: 443,
      protocols: ['ipv4', 'tcp', 'tls'],
      is_active: false,
      start: '2024-04-01T00:00:00Z',
      end: '2024-04-01T00:01:00Z',
      extensions: { 'http-request-ext': { request_method: 'get', request_value: '/gate.php' }, 'tcp-ext': { src_flags_hex: '02' } },
    }),
    process: sco('process', {
      pid: 4242,
      command_line: 'invoice.exe /quiet',
      image_ref: idFor('file'),
      creator_user_ref: idFor('user-account'),
      extensions: { 'windows-process-ext': { aslr_enabled: true, integrity_level: 'medium' } },
    }),
    software: sco('software', { name: 'Word', cpe: 'cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*', languages: ['jpn'], vendor: 'Microsoft', version: '2002' }),
    url: sco('url', { value: 'https://login.evil.example/bank/' }),
    'user-account': sco('user-account', {
      user_id: '1001',
      account_login: 'jdoe',
      account_type: 'unix',
      is_privileged: false,
      extensions: { 'unix-account-ext': { gid: 1001, shell: '/bin/bash' } },
    }),
    'windows-registry-key': sco('windows-registry-key', {
      key: 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
      values: [{ name: 'updater', data: 'C:\\u.exe', data_type: 'REG_SZ' }],
      number_of_subkeys: 2,
    }),
    'x509-certificate': sco('x509-certificate', {
      issuer: 'CN=Example CA',
      subject: 'CN=login.evil.example',
      serial_number: '36:f7:d4:32:f4:ab:70:ea',
      validity_not_before: '2024-01-01T00:00:00Z',
      validity_not_after: '2025-01-01T00:00:00Z',
      x509_v3_extensions: { basic_constraints: 'CA:FALSE' },
    }),
    'marking-definition:statement': {
      type: 'marking-definition',
      spec_version: '2.1',
      id: idFor('marking-definition', 7),
      created: '2024-01-01T00:00:00.000Z',
      name: 'Copyright',
      definition_type: 'statement',
      definition: { statement: 'Copyright 2024 Example ISAC' },
    },
    'marking-definition:tlp1': {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:AMBER',
      definition: { tlp: 'amber' },
    },
    'marking-definition:tlp2': {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER+STRICT',
      extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'amber+strict' } },
    },
    'language-content': sdo('language-content', {
      object_ref: idFor('campaign'),
      object_modified: MODIFIED,
      contents: { ja: { name: '冬の作戦' } },
    }),
    'extension-definition': sdo('extension-definition', {
      name: 'Kamae sharing extension',
      schema: 'https://kamae.example/schema.json',
      version: '1.0.0',
      extension_types: ['toplevel-property-extension'],
      extension_properties: ['x_kamae_producer'],
    }),
    'custom:sco': { type: 'x-kamae-account', id: idFor('x-kamae-account'), x_number: '12345', x_branch: 'Shinjuku' },
  }
}
