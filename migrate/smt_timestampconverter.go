package migrate
func timestampConverter(t *translator, prefix string, p part) (string, string, error) { return "", "", errUntranslatable{nil} }
