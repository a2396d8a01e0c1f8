{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "pairdb-coordinator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: <release>-<chart>, or the release name alone when it already
contains the chart name, at most 63 characters.
*/}}
{{- define "pairdb-coordinator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pairdb-coordinator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels shared by every object, without app.kubernetes.io/component.
Pass a dict: (dict "context" $ "component" "coordinator").
*/}}
{{- define "pairdb-coordinator.componentLabels" -}}
{{- $ := .context -}}
helm.sh/chart: {{ include "pairdb-coordinator.chart" $ }}
app.kubernetes.io/name: {{ include "pairdb-coordinator.name" $ }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: pairdb
app.kubernetes.io/managed-by: {{ $.Release.Service }}
{{- end }}

{{/* Labels of the coordinator's own objects. */}}
{{- define "pairdb-coordinator.labels" -}}
{{ include "pairdb-coordinator.componentLabels" (dict "context" . "component" "coordinator") }}
{{- end }}

{{/*
Selector of the coordinator pods. The component is part of it so that the migration and test pods,
which share name and instance, are never Service endpoints or counted by the PodDisruptionBudget.
*/}}
{{- define "pairdb-coordinator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pairdb-coordinator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: coordinator
{{- end }}

{{- define "pairdb-coordinator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pairdb-coordinator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pairdb-coordinator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
PostgreSQL credentials are required: the chart deploys against an external database, and a
coordinator without them would only crash-loop. Fails rendering when neither is given.
*/}}
{{- define "pairdb-coordinator.validate" -}}
{{- if not .Values.postgresql.auth.existingSecret }}
{{- $_ := required "PostgreSQL credentials are missing: set postgresql.auth.existingSecret to the name of a Secret holding the password (under postgresql.auth.existingSecretPasswordKey), or postgresql.auth.password to let the chart create one" .Values.postgresql.auth.password }}
{{- end }}
{{- if regexMatch "(?i)[?&;]password=" .Values.postgresql.url }}
{{- fail "postgresql.url must not carry a password (it would be stored in a ConfigMap): use postgresql.auth.password or postgresql.auth.existingSecret" }}
{{- end }}
{{- if regexMatch "^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@" .Values.redis.uri }}
{{- fail "redis.uri must not carry credentials (it would be stored in a ConfigMap): use redis.auth.password or redis.auth.existingSecret, which reach the pod as REDIS_PASSWORD" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- fail "autoscaling.maxReplicas must not be smaller than autoscaling.minReplicas" }}
{{- end }}
{{- if and .Values.postgresql.tls.caSecret (regexMatch "(?i)[?&]ssl(mode|rootcert)=" .Values.postgresql.url) }}
{{- fail "postgresql.tls.caSecret sets sslmode=verify-full and sslrootcert itself: remove sslmode and sslrootcert from postgresql.url" }}
{{- end }}
{{- if and .Values.redis.tls.caSecret (not (hasPrefix "rediss://" .Values.redis.uri)) }}
{{- fail "redis.tls.caSecret needs a rediss:// redis.uri: the CA verifies a Redis that serves TLS" }}
{{- end }}
{{- with .Values.storageNodes.tls }}
{{- if and .enabled (not (or .caSecret .clientCertificateSecret)) }}
{{- fail "storageNodes.tls.enabled needs storageNodes.tls.caSecret: a Secret with the CA bundle that signs the storage nodes' certificates (or clientCertificateSecret, whose ca.crt is then used)" }}
{{- end }}
{{- if and (not .enabled) (or .caSecret .clientCertificateSecret) }}
{{- fail "storageNodes.tls.caSecret and clientCertificateSecret need storageNodes.tls.enabled" }}
{{- end }}
{{- end }}
{{- with .Values.security }}
{{- /* a certificate administers only when one is asked for and an identity holds cluster:admin */}}
{{- $certificateAdmin := false }}
{{- if and .tls.enabled (ne .tls.clientCertificates "none") }}
{{- range .identities }}
{{- if regexMatch "=(.*[[:space:]])?cluster:admin([[:space:]]|$)" . }}
{{- $certificateAdmin = true }}
{{- end }}
{{- end }}
{{- end }}
{{- if and (eq .authentication "required") (not $certificateAdmin) }}
{{- $_ := required "security.authentication is required but the pods get no admin credential: set security.bootstrapAdmin.existingSecret to a Secret holding a token (make one with `pairdb-admin auth token generate`), or map a client certificate to cluster:admin in security.identities with security.tls, or set security.authentication=off (not in production)" .bootstrapAdmin.existingSecret }}
{{- end }}
{{- if and .tls.enabled (not .tls.existingSecret) }}
{{- fail "security.tls.enabled needs security.tls.existingSecret: a kubernetes.io/tls Secret (tls.crt, tls.key), e.g. a cert-manager Certificate's secretName" }}
{{- end }}
{{- if and (ne .tls.clientCertificates "none") (not .tls.enabled) }}
{{- fail "security.tls.clientCertificates needs security.tls.enabled: client certificates come with TLS" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pairdb-coordinator.redisHasPassword" -}}
{{- if or .Values.redis.auth.existingSecret .Values.redis.auth.password }}true{{- end }}
{{- end }}

{{/*
Password env vars, always from a Secret. Pass a dict: (dict "context" $ "chartSecret" "<name>"),
chartSecret being the chart-created Secret to use when no existingSecret is named.
*/}}
{{- define "pairdb-coordinator.databasePasswordEnv" -}}
{{- $ := .context -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- if $.Values.postgresql.auth.existingSecret }}
      name: {{ $.Values.postgresql.auth.existingSecret }}
      key: {{ $.Values.postgresql.auth.existingSecretPasswordKey }}
      {{- else }}
      name: {{ .chartSecret }}
      key: postgresql-password
      {{- end }}
{{- end }}

{{- define "pairdb-coordinator.redisPasswordEnv" -}}
{{- $ := .context -}}
{{- if include "pairdb-coordinator.redisHasPassword" $ -}}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- if $.Values.redis.auth.existingSecret }}
      name: {{ $.Values.redis.auth.existingSecret }}
      key: {{ $.Values.redis.auth.existingSecretPasswordKey }}
      {{- else }}
      name: {{ .chartSecret }}
      key: redis-password
      {{- end }}
{{- end }}
{{- end }}

{{/* The data of the chart-created Secrets (base64, so no password appears in plain text). */}}
{{- define "pairdb-coordinator.secretData" -}}
{{- $data := dict }}
{{- if and (not .Values.postgresql.auth.existingSecret) .Values.postgresql.auth.password }}
{{- $_ := set $data "postgresql-password" (.Values.postgresql.auth.password | b64enc) }}
{{- end }}
{{- if and (not .Values.redis.auth.existingSecret) .Values.redis.auth.password }}
{{- $_ := set $data "redis-password" (.Values.redis.auth.password | b64enc) }}
{{- end }}
{{- if $data }}{{ toYaml $data }}{{ end }}
{{- end }}

{{/*
DATABASE_URL: postgresql.url, with sslmode=verify-full and the mounted CA when postgresql.tls.caSecret is set.
*/}}
{{- define "pairdb-coordinator.databaseUrl" -}}
{{- $url := .Values.postgresql.url }}
{{- if .Values.postgresql.tls.caSecret }}
{{- $url = printf "%s%ssslmode=verify-full&sslrootcert=/etc/pairdb/postgresql-ca/ca.crt" $url (ternary "&" "?" (contains "?" $url)) }}
{{- end }}
{{- $url }}
{{- end }}

{{/*
The CA bundles of PostgreSQL, Redis and the storage nodes and the client certificate for the storage
nodes, as volumes from their Secrets (whole-directory mounts, so renewals reach the pods).
Called with (dict "context" . "only" "postgresql") by the migration Job, which needs only PostgreSQL's.
*/}}
{{- define "pairdb-coordinator.transportVolumes" -}}
{{- $v := .context.Values }}
{{- $all := not .only }}
{{- with $v.postgresql.tls }}
{{- if .caSecret }}
- name: postgresql-ca
  secret:
    secretName: {{ .caSecret }}
    defaultMode: 0444
    items:
      - key: {{ .caKey }}
        path: ca.crt
{{- end }}
{{- end }}
{{- if $all }}
{{- with $v.redis.tls }}
{{- if .caSecret }}
- name: redis-ca
  secret:
    secretName: {{ .caSecret }}
    defaultMode: 0444
    items:
      - key: {{ .caKey }}
        path: ca.crt
{{- end }}
{{- end }}
{{- with $v.storageNodes.tls }}
{{- if .enabled }}
- name: storage-nodes-ca
  secret:
    secretName: {{ default .clientCertificateSecret .caSecret }}
    defaultMode: 0444
    items:
      - key: {{ .caKey }}
        path: ca.crt
{{- if .clientCertificateSecret }}
- name: storage-nodes-client
  secret:
    secretName: {{ .clientCertificateSecret }}
    defaultMode: 0400
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Where the volumes of pairdb-coordinator.transportVolumes are mounted (same arguments).
*/}}
{{- define "pairdb-coordinator.transportVolumeMounts" -}}
{{- $v := .context.Values }}
{{- $all := not .only }}
{{- if $v.postgresql.tls.caSecret }}
- name: postgresql-ca
  mountPath: /etc/pairdb/postgresql-ca
  readOnly: true
{{- end }}
{{- if $all }}
{{- if $v.redis.tls.caSecret }}
- name: redis-ca
  mountPath: /etc/pairdb/redis-ca
  readOnly: true
{{- end }}
{{- if $v.storageNodes.tls.enabled }}
- name: storage-nodes-ca
  mountPath: /etc/pairdb/storage-nodes-ca
  readOnly: true
{{- if $v.storageNodes.tls.clientCertificateSecret }}
- name: storage-nodes-client
  mountPath: /etc/pairdb/storage-nodes-client
  readOnly: true
{{- end }}
{{- end }}
{{- end }}
{{- end }}
