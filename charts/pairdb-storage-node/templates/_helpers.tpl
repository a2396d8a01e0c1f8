{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "pairdb-storage-node.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: <release>-<chart>, or the release name alone when it already
contains the chart name. At most 52 characters: pod names add "-<ordinal>" and the StatefulSet's
controller-revision-hash label adds 11 more, which must stay within 63.
*/}}
{{- define "pairdb-storage-node.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pairdb-storage-node.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The headless Service that gives each pod its stable DNS name. */}}
{{- define "pairdb-storage-node.headlessName" -}}
{{- printf "%s-headless" (include "pairdb-storage-node.fullname" .) }}
{{- end }}

{{/* Labels shared by every object. */}}
{{- define "pairdb-storage-node.labels" -}}
helm.sh/chart: {{ include "pairdb-storage-node.chart" . }}
{{ include "pairdb-storage-node.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: pairdb
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pairdb-storage-node.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pairdb-storage-node.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: storage-node
{{- end }}

{{- define "pairdb-storage-node.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pairdb-storage-node.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pairdb-storage-node.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
What the probes check: the gRPC health service, or, with TLS, that the port accepts connections
(the kubelet's gRPC probe cannot speak TLS).
*/}}
{{- define "pairdb-storage-node.probeTarget" -}}
{{- if .Values.tls.secretName -}}
tcpSocket:
  port: {{ .Values.port }}
{{- else -}}
grpc:
  port: {{ .Values.port }}
{{- end -}}
{{- end }}
