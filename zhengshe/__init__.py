"""政社 Zhengshe — the information system for 政社互动."""
