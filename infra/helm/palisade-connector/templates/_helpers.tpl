{{- define "palisade-connector.labels" -}}
app.kubernetes.io/name: palisade-connector
app.kubernetes.io/part-of: palisade
{{- end }}
