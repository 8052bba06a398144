/**
 * A subset of timezone/get (5.2.2 "Time Zone"): ids "1", "19" and "30" appear in the guide's
 * examples ("30" is its platform's own zone); the rest follow the Windows zone names the guide uses.
 */
const dst = { daylightBias: "-60", daylightDate: "0:0:0:0:0", standardDate: "0:0:0:0:0", enable: 0 };
export const TIME_ZONES = [
  { id: "1", standardName: "Afghanistan Standard Time", displayName: "(UTC+04:30) Kabul", bias: -270, dst },
  { id: "19", standardName: "Central Asia Standard Time", displayName: "(UTC+06:00) Astana", bias: -360, dst },
  { id: "21", standardName: "Russian Standard Time", displayName: "(UTC+03:00) Moscow, St. Petersburg", bias: -180, dst },
  { id: "26", standardName: "W. Europe Standard Time", displayName: "(UTC+01:00) Amsterdam, Berlin, Rome", bias: -60, dst },
  { id: "30", standardName: "China Standard Time", displayName: "(UTC+08:00) Beijing, Hong Kong", bias: -480, dst },
  { id: "33", standardName: "GMT Standard Time", displayName: "(UTC+00:00) Dublin, Lisbon, London", bias: 0, dst },
  { id: "35", standardName: "Eastern Standard Time", displayName: "(UTC-05:00) Eastern Time (US & Canada)", bias: 300, dst },
] as const;
