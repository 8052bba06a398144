/**
 * The reference lists AddCamera and AddUser take ids from (GetMasters, GetCameraModels /
 * GetCameraBrands / GetCameraModelsAndBrands, GetRecordTypes, GetProtocols, GetRtspTransports,
 * GetPTZTypes, GetAuthProviders). The API has no call to change them (they are set up in the web
 * portal), so the sandbox serves a fixed, plausible set; `ForpostEmulatorOptions.catalogues`
 * replaces any of them.
 */

/** An entry with a numeric id (clusters, brands, record types, PTZ types, auth providers). */
export interface ForpostNamedEntry {
  ID: number;
  Name: string;
}

/** Protocols and RTSP transports have string ids (the document types their `ID` as Строка). */
export interface ForpostCodedEntry {
  ID: string;
  Name: string;
}

export interface ForpostCameraModel {
  ID: number;
  Name: string;
  BrandID: number;
  /**
   * What the sandbox "detects" for a reachable camera of this model when AddCamera gives a
   * CameraModelID but no Protocol/MJPEG (the document: the service picks the connection
   * parameters itself). Not part of any answer.
   */
  detects: { Protocol: string; MJPEG: string };
}

export interface ForpostCatalogues {
  masters: readonly ForpostNamedEntry[];
  brands: readonly ForpostNamedEntry[];
  models: readonly ForpostCameraModel[];
  recordTypes: readonly ForpostNamedEntry[];
  protocols: readonly ForpostCodedEntry[];
  rtspTransports: readonly ForpostCodedEntry[];
  ptzTypes: readonly ForpostNamedEntry[];
  authProviders: readonly ForpostNamedEntry[];
}

/**
 * The sandbox's lists. Two clusters, so a lookup by name has something to choose from; one model
 * name ("IP Camera") exists under two brands, so a lookup by model name alone is ambiguous; record
 * type 0 is not listed: it is AddCamera's default, "no recording" (the document: "по умолчанию запись
 * не выполняется").
 */
export const DEFAULT_CATALOGUES: ForpostCatalogues = {
  masters: [
    { ID: 1, Name: "Москва-1" },
    { ID: 2, Name: "Казань-1" },
  ],
  brands: [
    { ID: 1, Name: "Hikvision" },
    { ID: 2, Name: "Dahua" },
    { ID: 3, Name: "Axis" },
    { ID: 4, Name: "Beward" },
    { ID: 5, Name: "Generic" },
  ],
  models: [
    { ID: 101, Name: "DS-2CD2043G2-I", BrandID: 1, detects: { Protocol: "rtsp", MJPEG: "/Streaming/Channels/101" } },
    { ID: 102, Name: "DS-2CD1023G0E-I", BrandID: 1, detects: { Protocol: "rtsp", MJPEG: "/Streaming/Channels/101" } },
    { ID: 201, Name: "IPC-HFW1230S", BrandID: 2, detects: { Protocol: "rtsp", MJPEG: "/cam/realmonitor?channel=1&subtype=0" } },
    { ID: 301, Name: "M1065-L", BrandID: 3, detects: { Protocol: "rtsp", MJPEG: "/axis-media/media.amp" } },
    { ID: 401, Name: "B1710-RTSP", BrandID: 4, detects: { Protocol: "rtsp", MJPEG: "/av0_0" } },
    { ID: 402, Name: "IP Camera", BrandID: 4, detects: { Protocol: "mjpeg", MJPEG: "/video.cgi" } },
    { ID: 501, Name: "IP Camera", BrandID: 5, detects: { Protocol: "rtsp", MJPEG: "/play.sdp" } },
  ],
  recordTypes: [
    { ID: 1, Name: "Постоянная запись" },
    { ID: 2, Name: "Запись по детектору движения" },
    { ID: 3, Name: "Запись по расписанию" },
  ],
  protocols: [
    { ID: "rtsp", Name: "RTSP (H.264/H.265)" },
    { ID: "mjpeg", Name: "MJPEG по HTTP" },
    { ID: "onvif", Name: "ONVIF" },
  ],
  rtspTransports: [
    { ID: "tcp", Name: "TCP" },
    { ID: "udp", Name: "UDP" },
    { ID: "http", Name: "RTSP через HTTP" },
  ],
  ptzTypes: [
    { ID: 1, Name: "ONVIF PTZ" },
    { ID: 2, Name: "Pelco-D" },
    { ID: 3, Name: "Hikvision ISAPI" },
  ],
  authProviders: [
    { ID: 1, Name: "Форпост" },
    { ID: 2, Name: "LDAP" },
  ],
};

/** The record type that starts recording on motion: a camera with it gets its motion detector set up. */
export const MOTION_RECORD_TYPE = 2;
