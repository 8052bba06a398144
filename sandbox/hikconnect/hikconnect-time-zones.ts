/**
 * A subset of timezone/get (5.2.2 "Time Zone"): ids "1", "19" and "30" appear in the guide's
 * examples ("30" is its platform's own zone, "26" the zone of its devices/add example); the rest
 * follow the Windows zone names and the "(UTC±hh:mm) places" display names the guide uses, with
 * ids of our own. `bias` is minutes to add to local time for UTC (Astana, UTC+06:00: -360).
 */
const dst = { daylightBias: "-60", daylightDate: "0:0:0:0:0", standardDate: "0:0:0:0:0", enable: 0 };
const withDst = { daylightBias: "-60", daylightDate: "3:0:5:0:2", standardDate: "10:0:5:0:3", enable: 1 };
export const TIME_ZONES = [
  { id: "1", standardName: "Afghanistan Standard Time", displayName: "(UTC+04:30) Kabul", bias: -270, dst },
  { id: "19", standardName: "Central Asia Standard Time", displayName: "(UTC+06:00) Astana", bias: -360, dst },
  { id: "21", standardName: "Russian Standard Time", displayName: "(UTC+03:00) Moscow, St. Petersburg", bias: -180, dst },
  { id: "22", standardName: "Arab Standard Time", displayName: "(UTC+03:00) Kuwait, Riyadh", bias: -180, dst },
  { id: "23", standardName: "Ekaterinburg Standard Time", displayName: "(UTC+05:00) Ekaterinburg", bias: -300, dst },
  { id: "24", standardName: "N. Central Asia Standard Time", displayName: "(UTC+07:00) Novosibirsk", bias: -420, dst },
  { id: "25", standardName: "Central Europe Standard Time", displayName: "(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague", bias: -60, dst: withDst },
  { id: "26", standardName: "W. Europe Standard Time", displayName: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", bias: -60, dst: withDst },
  { id: "27", standardName: "Romance Standard Time", displayName: "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", bias: -60, dst: withDst },
  { id: "28", standardName: "FLE Standard Time", displayName: "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", bias: -120, dst: withDst },
  { id: "30", standardName: "China Standard Time", displayName: "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", bias: -480, dst },
  { id: "31", standardName: "India Standard Time", displayName: "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", bias: -330, dst },
  { id: "33", standardName: "GMT Standard Time", displayName: "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", bias: 0, dst: withDst },
  { id: "34", standardName: "UTC", displayName: "(UTC) Coordinated Universal Time", bias: 0, dst },
  { id: "35", standardName: "Eastern Standard Time", displayName: "(UTC-05:00) Eastern Time (US & Canada)", bias: 300, dst: withDst },
  { id: "36", standardName: "Pacific Standard Time", displayName: "(UTC-08:00) Pacific Time (US & Canada)", bias: 480, dst: withDst },
] as const;
