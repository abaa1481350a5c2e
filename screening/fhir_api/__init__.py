"""The FHIR R4 interface under /fhir/ (docs/fhir.md). Thin views over the pure mapping in
`screening.fhir`, the selectors in `screening.selectors.fhir` and the services in
`screening.services.fhir`."""
